/** Placeholder until this part of the designer lands. */
export function Inspector() {
  return <div className="placeholder">Inspector</div>;
}
