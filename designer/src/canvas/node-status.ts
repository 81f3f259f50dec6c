import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import { diagnosticsOf, peekDiagnostics } from '../store/flow-store';

/** What a node's problem badge shows. */
export interface NodeBadge {
  count: number;
  severity: 'error' | 'warning';
  /** Every message, one per line, for the badge's tooltip. */
  title: string;
}

export type BadgeMap = ReadonlyMap<string, NodeBadge>;

const byDoc = new WeakMap<FlowDocument, BadgeMap>();
const lastByRegistry = new WeakMap<Registry, { diagnostics: readonly Diagnostic[]; badges: BadgeMap }>();

/**
 * Problem badges per node id, from the shared validator. Memoised per document; moving nodes
 * gives the same diagnostics (the store reuses them across moves), so the same badges. Badges
 * whose content did not change are the same objects as before, so a node's selector returns
 * a stable value and the node does not re-render.
 */
export function nodeBadges(registry: Registry, doc: FlowDocument): BadgeMap {
  const cached = byDoc.get(doc);
  if (cached) return cached;
  const last = lastByRegistry.get(registry);
  const diagnostics = diagnosticsOf(registry, doc);
  if (last && last.diagnostics === diagnostics) {
    byDoc.set(doc, last.badges);
    return last.badges;
  }
  const grouped = new Map<string, { errors: number; messages: string[] }>();
  for (const d of diagnostics) {
    if (d.nodeId === undefined) continue;
    const g = grouped.get(d.nodeId) ?? { errors: 0, messages: [] };
    if (d.severity === 'error') g.errors++;
    g.messages.push(`${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.message}`);
    grouped.set(d.nodeId, g);
  }
  const badges = new Map<string, NodeBadge>();
  for (const [id, g] of grouped) {
    const fresh: NodeBadge = { count: g.messages.length, severity: g.errors ? 'error' : 'warning', title: g.messages.join('\n') };
    const old = last?.badges.get(id);
    badges.set(id, old && old.count === fresh.count && old.severity === fresh.severity && old.title === fresh.title ? old : fresh);
  }
  byDoc.set(doc, badges);
  lastByRegistry.set(registry, { diagnostics, badges });
  return badges;
}

/** The badges of `doc` if known without validating again (same problems as the last document), else undefined. */
export function knownBadges(registry: Registry, doc: FlowDocument): BadgeMap | undefined {
  return byDoc.get(doc) ?? (peekDiagnostics(registry, doc) ? nodeBadges(registry, doc) : undefined);
}

/** "in 12 · out 10 · dropped 2 · errors 0" */
export function formatCounts(c: { in: number; out: number; dropped: number; errors: number }): string {
  return `in ${c.in} · out ${c.out} · dropped ${c.dropped} · errors ${c.errors}`;
}
