import { z } from 'zod';
import { Edge, NodeInstance, ResourceInstance, SLUG_PATTERN, StickyNote } from '../../../shared/flow/document';
import { isFragment, type Fragment } from '../store/doc-ops';

/** Data-transfer type a palette item carries while dragged onto the canvas. */
export const NODE_TYPE_MIME = 'application/x-sluice-node-type';

/** localStorage key of the last copied fragment, so paste works between flows and tabs without clipboard permission. */
export const CLIPBOARD_KEY = 'sluice.clipboard';

/** Where a pasted fragment lands relative to the copied nodes. */
export const PASTE_OFFSET = { x: 40, y: 40 };

export function rememberFragment(fragment: Fragment): string {
  const text = JSON.stringify(fragment);
  try {
    localStorage.setItem(CLIPBOARD_KEY, text);
  } catch {
    // Storage may be full or disabled; the system clipboard still has the copy.
  }
  return text;
}

const slug = z.string().regex(SLUG_PATTERN);
const point = z.object({ x: z.number(), y: z.number() });
// Clipboard text comes from anywhere: only a well-formed fragment reaches the store.
const FragmentShape = z.object({
  sluiceFragment: z.literal(1),
  nodes: z.record(slug, NodeInstance),
  edges: z.array(Edge),
  positions: z.record(z.string(), point),
  notes: z.record(z.string(), StickyNote),
  resources: z.record(slug, ResourceInstance),
});

/** A fragment from clipboard text, or undefined when the text is not a well-formed Sluice fragment. */
export function parseFragment(text: string | null | undefined): Fragment | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isFragment(value)) return undefined;
  const parsed = FragmentShape.safeParse(value);
  return parsed.success ? (parsed.data as Fragment) : undefined;
}

/** The fragment on the system clipboard when it holds one, otherwise the last one copied in any Sluice tab. */
export function fragmentToPaste(clipboardText: string | null | undefined): Fragment | undefined {
  const fromClipboard = parseFragment(clipboardText);
  if (fromClipboard) return fromClipboard;
  try {
    return parseFragment(localStorage.getItem(CLIPBOARD_KEY));
  } catch {
    return undefined;
  }
}
