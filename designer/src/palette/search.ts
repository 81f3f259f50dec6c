import type { NodeDefinition } from '../../../shared/node-kit/define';

/** Whether a node type matches the palette search: every word must appear in its title, type or summary. */
export function matchesSearch(def: Pick<NodeDefinition, 'title' | 'type' | 'summary'>, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = `${def.title}\n${def.type}\n${def.summary}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}
