import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { slugify } from '../../../shared/flow/document';
import { Dialog, DialogActions } from '../editor/ui/Dialog';
import { flowIdProblem } from './flow-id';

export interface NameIdDialogProps {
  title: string;
  submitLabel: string;
  initialName: string;
  initialId: string;
  /** The id follows the name (slugified) until the user edits the id. */
  autoId?: boolean;
  /** Ids already used by other flows. */
  taken: readonly string[];
  /** The id the flow has now (rename): keeping it is always allowed. */
  currentId?: string;
  /** Shown under the id field: what the id means for this action. */
  idHelp: (id: string) => ReactNode;
  intro?: ReactNode;
  /** Rejects with an Error whose message is shown in the dialog. */
  onSubmit(name: string, id: string): Promise<void>;
  onClose(): void;
}

/** Asks for a flow's display name and id (new flow, duplicate, rename, import under another id). */
export function NameIdDialog(p: NameIdDialogProps) {
  const uid = useId();
  const [name, setName] = useState(p.initialName);
  const [id, setId] = useState(p.initialId);
  const [idEdited, setIdEdited] = useState(!p.autoId);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const nameRef = useRef<HTMLInputElement>(null);
  const idRef = useRef<HTMLInputElement>(null);

  const nameProblem = name.trim() === '' ? 'Give the flow a name.' : undefined;
  const idProblem = id === p.currentId ? undefined : flowIdProblem(id, p.taken);
  const showName = tried && nameProblem;
  const showId = (tried || idEdited) && idProblem;

  const onName = (value: string) => {
    setName(value);
    if (!idEdited) setId(value.trim() ? slugify(value, p.taken) : '');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    if (nameProblem) return nameRef.current?.focus();
    if (idProblem) return idRef.current?.focus();
    setBusy(true);
    try {
      await p.onSubmit(name.trim(), id);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={p.title} onClose={p.onClose}>
      <form onSubmit={submit} noValidate>
        {p.intro}
        <div className="field">
          <label htmlFor={`${uid}-name`}>Name</label>
          <input
            id={`${uid}-name`}
            ref={nameRef}
            value={name}
            required
            aria-invalid={showName ? true : undefined}
            aria-describedby={showName ? `${uid}-name-error` : undefined}
            onChange={(e) => onName(e.target.value)}
            data-autofocus
          />
          {showName && (
            <p id={`${uid}-name-error`} className="field-error">
              {nameProblem}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${uid}-id`}>Id</label>
          <input
            id={`${uid}-id`}
            ref={idRef}
            value={id}
            className="mono"
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={showId ? true : undefined}
            aria-describedby={`${showId ? `${uid}-id-error ` : ''}${uid}-id-help`}
            onChange={(e) => {
              setId(e.target.value);
              setIdEdited(true);
            }}
          />
          {showId && (
            <p id={`${uid}-id-error`} className="field-error">
              {idProblem}
            </p>
          )}
          <p id={`${uid}-id-help`} className="field-help">
            {p.idHelp(id)}
          </p>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <DialogActions>
          <button type="button" className="btn" onClick={p.onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {p.submitLabel}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
