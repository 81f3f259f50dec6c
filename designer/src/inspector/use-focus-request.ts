import { useEffect, type RefObject } from 'react';
import { useFlowState } from '../context';
import { focusField } from './focus';

/**
 * Answers the problems panel's "take me there": when a new focus request names what this part
 * of the inspector shows (`nodeId`, or undefined for the flow's settings), the caret goes to the
 * field. `handled` outlives the node's form, so selecting a node later does not replay an old request.
 */
export function useFocusRequest(root: RefObject<HTMLElement | null>, nodeId: string | undefined, handled: { current: number }): void {
  const focus = useFlowState((s) => s.focus);
  useEffect(() => {
    if (focus.seq === handled.current || focus.nodeId !== nodeId || !root.current) return;
    handled.current = focus.seq;
    if (!focusField(root.current, focus.pointer ?? '')) root.current.querySelector<HTMLElement>('[data-focus-fallback]')?.focus();
  }, [focus, nodeId, root, handled]);
}
