/** Placeholder until this part of the designer lands. */
export function RunPanel() {
  return <div className="placeholder">RunPanel</div>;
}
