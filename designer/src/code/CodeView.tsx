/** Placeholder until this part of the designer lands. */
export function CodeView() {
  return <div className="placeholder">CodeView</div>;
}
