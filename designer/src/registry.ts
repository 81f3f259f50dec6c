import { registry } from '../../shared/nodes/index';
import type { Category, NodeDefinition } from '../../shared/node-kit/define';

/** The same explicit registry the runtime uses: the palette, forms and validation come from it. */
export { registry };

/** Palette groups, in the order analysts read a flow: left to right. */
export const PALETTE_GROUPS: ReadonlyArray<{ category: Category; title: string }> = [
  { category: 'source', title: 'Sources' },
  { category: 'filter', title: 'Filters' },
  { category: 'enricher', title: 'Enrichers' },
  { category: 'redactor', title: 'Redactors' },
  { category: 'router', title: 'Routers' },
  { category: 'transform', title: 'Transforms' },
  { category: 'sink', title: 'Sinks' },
];

export function nodeTypesIn(category: Category): NodeDefinition[] {
  return registry
    .nodes()
    .filter((d) => d.category === category)
    .sort((a, b) => a.title.localeCompare(b.title));
}
