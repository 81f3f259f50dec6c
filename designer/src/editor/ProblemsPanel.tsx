/** Placeholder until this part of the designer lands. */
export function ProblemsPanel() {
  return <div className="placeholder">ProblemsPanel</div>;
}
