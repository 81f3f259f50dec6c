/** Placeholder until this part of the designer lands. */
export function Canvas() {
  return <div className="placeholder">Canvas</div>;
}
