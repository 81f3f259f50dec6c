import { Dialog, DialogActions } from '../editor/ui/Dialog';

/** Why a picked file cannot be imported: its first problems, as text. */
export function ProblemListDialog({ title, intro, problems, onClose }: { title: string; intro: string; problems: readonly string[]; onClose(): void }) {
  return (
    <Dialog title={title} onClose={onClose} alert wide>
      <p>{intro}</p>
      <ul className="problem-list">
        {problems.map((p, i) => (
          <li key={i}>{p}</li>
        ))}
      </ul>
      <DialogActions>
        <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
          Close
        </button>
      </DialogActions>
    </Dialog>
  );
}
