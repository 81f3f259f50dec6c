import { useState, type FormEvent } from 'react';
import { createStore, useStore } from 'zustand';
import { ApiError } from '../../api/client';
import { Dialog, DialogActions } from './Dialog';

/** Where client.ts reads the designer token from. */
export const TOKEN_KEY = 'sluice.token';

interface Pending {
  /** True when a token was sent and refused, so the dialog can say so. */
  rejected: boolean;
  resolve(token: string | null): void;
}

const prompt = createStore<{ pending?: Pending }>()(() => ({}));
let inflight: Promise<string | null> | undefined;

/** Asks once for the token, however many calls were refused at the same time. */
function askForToken(rejected: boolean): Promise<string | null> {
  inflight ??= new Promise<string | null>((resolve) => {
    prompt.setState({
      pending: {
        rejected,
        resolve(token) {
          inflight = undefined;
          prompt.setState({ pending: undefined });
          resolve(token);
        },
      },
    });
  });
  return inflight;
}

function storedToken(): string | null {
  return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(TOKEN_KEY);
}

/**
 * Runs an API call; when the server answers 401 (a designer served off loopback), asks for the
 * designer token, keeps it for this browser tab and tries again. Cancelling rethrows the 401.
 */
export async function withToken<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      const token = await askForToken(storedToken() !== null);
      if (token === null) throw err;
      sessionStorage.setItem(TOKEN_KEY, token);
    }
  }
}

/** Mounted once by the app: the dialog that asks for the token when a call needs it. */
export function TokenDialog() {
  const pending = useStore(prompt, (s) => s.pending);
  if (!pending) return null;
  return <TokenForm pending={pending} />;
}

function TokenForm({ pending }: { pending: Pending }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) pending.resolve(value.trim());
  };
  return (
    <Dialog title="Designer token needed" onClose={() => pending.resolve(null)} describedBy="token-help">
      <form onSubmit={submit}>
        <p id="token-help">
          {pending.rejected ? 'That token was not accepted. ' : ''}
          This designer is shared on the network, so it asks for the token printed when it was started (also in
          .sluice/designer-token next to the flows folder). It is kept only for this browser tab.
        </p>
        <div className="field">
          <label htmlFor="designer-token">Token</label>
          <input id="designer-token" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} data-autofocus />
        </div>
        <DialogActions>
          <button type="button" className="btn" onClick={() => pending.resolve(null)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!value.trim()}>
            Continue
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
