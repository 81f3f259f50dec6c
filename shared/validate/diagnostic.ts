/**
 * One problem found in a flow. `path` is a JSON pointer: relative to the node when `nodeId` is
 * set (`/config/when`), otherwise relative to the document (`/edges/3/to`). `code` is a stable
 * kebab-case identifier tools may key on; `message` is for people and may be reworded.
 */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  nodeId?: string;
  path: string;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/**
 * One line per diagnostic, the shape editors and CI logs understand:
 * `file: node-id /config/path: message`, or `file: /path: message` without a node.
 */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = [d.nodeId, d.path].filter((s) => s !== undefined && s !== '').join(' ');
  return where ? `${file}: ${where}: ${d.message}` : `${file}: ${d.message}`;
}

/**
 * Document-level diagnostics first, then by node id, then by path; numeric pointer segments
 * compare as numbers so `/edges/10` follows `/edges/9`. Stable: equal keys keep their order.
 */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((a, b) => compareKey(a.d.nodeId ?? '', b.d.nodeId ?? '') || comparePointers(a.d.path, b.d.path) || a.i - b.i)
    .map((x) => x.d);
}

function compareKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePointers(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i] as string;
    const y = bs[i] as string;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return compareKey(x, y);
  }
  return as.length - bs.length;
}
