import { isPointerPrefix } from './form/pointer';

const FOCUSABLE = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

/** The control a field's label names, else the first thing in it that takes focus. */
export function focusTargetIn(wrapper: Element): HTMLElement | undefined {
  const inputId = wrapper.getAttribute('data-input-id');
  const named = inputId ? wrapper.ownerDocument.getElementById(inputId) : null;
  if (named && wrapper.contains(named) && named.matches(FOCUSABLE)) return named as HTMLElement;
  return (wrapper.querySelector(FOCUSABLE) as HTMLElement | null) ?? undefined;
}

/** The deepest `[data-pointer]` under `root` whose pointer contains `pointer` (equal or an ancestor of it). */
export function deepestFieldFor(root: Element, pointer: string): Element | undefined {
  let best: Element | undefined;
  let bestLength = -1;
  for (const el of root.querySelectorAll('[data-pointer]')) {
    const p = el.getAttribute('data-pointer') ?? '';
    if (p === '' || !isPointerPrefix(p, pointer)) continue;
    if (p.length > bestLength) {
      best = el;
      bestLength = p.length;
    }
  }
  return best;
}

/**
 * Puts the caret in the field for `pointer`: opens any closed section around it first, then
 * focuses its control and scrolls it into view. Returns whether a field was found.
 */
export function focusField(root: Element, pointer: string): boolean {
  const field = deepestFieldFor(root, pointer);
  if (!field) return false;
  for (let el: Element | null = field; el && el !== root; el = el.parentElement) {
    if (el instanceof HTMLDetailsElement && !el.open) el.open = true;
  }
  const target = focusTargetIn(field) ?? (field as HTMLElement);
  if (typeof field.scrollIntoView === 'function') field.scrollIntoView({ block: 'center' });
  target.focus();
  return true;
}
