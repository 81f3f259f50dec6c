import { useEffect, useRef } from 'react';

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** True when the key event's target keeps its own undo history: text fields and Monaco. */
export function hasOwnUndo(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('.monaco-editor, textarea, select, [contenteditable]:not([contenteditable="false"])')) return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

export interface GlobalKeyHandlers {
  undo(): void;
  redo(): void;
  save(): void;
}

/**
 * Ctrl/Cmd+Z undo, Ctrl+Y or Ctrl+Shift+Z redo, Ctrl+S save, anywhere on the page. Undo and redo
 * leave text fields and Monaco alone (they undo their own typing); save works everywhere, so
 * typing a label and pressing Ctrl+S saves it. Nothing happens behind an open modal dialog.
 */
export function useGlobalKeys(handlers: GlobalKeyHandlers): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.defaultPrevented) return;
      const key = e.key.toLowerCase();
      if (key !== 's' && key !== 'z' && key !== 'y') return;
      if (document.querySelector('[aria-modal="true"]')) return;
      if (key === 's') {
        e.preventDefault();
        ref.current.save();
        return;
      }
      if (hasOwnUndo(e.target)) return;
      e.preventDefault();
      if (key === 'y' || e.shiftKey) ref.current.redo();
      else ref.current.undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Asks the browser to warn before the tab closes or reloads while `dirty()` is true. */
export function useUnloadWarning(dirty: () => boolean): void {
  const ref = useRef(dirty);
  useEffect(() => {
    ref.current = dirty;
  });
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (!ref.current()) return;
      e.preventDefault();
      // Older browsers show the warning only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);
}
