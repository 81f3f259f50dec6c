/** Placeholder until this part of the designer lands. */
export function Palette() {
  return <div className="placeholder">Palette</div>;
}
