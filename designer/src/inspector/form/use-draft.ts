import { useState } from 'react';

/**
 * Local text for a field whose stored value is derived from what is typed (numbers, JSON,
 * references): the text stays as typed while it is refused or while the store holds the parsed
 * form of it, and follows the store when the value changes from elsewhere (undo, code view).
 *
 * `external` is the stored value rendered as text; call `committed(rendered)` with the rendering
 * of the value about to be written, so the echo of one's own edit leaves the typed text alone.
 */
export function useDraft(external: string): { text: string; setText(t: string): void; committed(rendered: string): void } {
  const [state, setState] = useState<{ text: string; seen: string; own?: string }>({ text: external, seen: external });
  let text = state.text;
  if (external !== state.seen) {
    text = external === state.own ? state.text : external;
    setState({ text, seen: external });
  }
  return {
    text,
    setText: (t) => setState((s) => ({ ...s, text: t })),
    committed: (rendered) => setState((s) => ({ ...s, own: rendered })),
  };
}
