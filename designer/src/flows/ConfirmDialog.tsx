import { useId, useState, type ReactNode } from 'react';
import { Dialog, DialogActions } from '../editor/ui/Dialog';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Rejects with an Error whose message is shown in the dialog. */
  onConfirm(): Promise<void> | void;
  onClose(): void;
}

/** A yes/no question; Cancel has the focus first, so Enter never destroys anything by accident. */
export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm, onClose }: ConfirmDialogProps) {
  const bodyId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} alert describedBy={bodyId}>
      <div id={bodyId}>{children}</div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <DialogActions>
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className={danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={() => void confirm()} disabled={busy}>
          {confirmLabel}
        </button>
      </DialogActions>
    </Dialog>
  );
}
