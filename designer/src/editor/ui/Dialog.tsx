import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './dialog.css';

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');

export interface DialogProps {
  title: string;
  /** Escape, Cancel: the dialog is closed by its owner (it is rendered while the owner wants it). */
  onClose(): void;
  children: ReactNode;
  /** `alertdialog` for confirmations that interrupt (delete, conflicts). */
  alert?: boolean;
  /** Id of the element that explains the dialog, read after the title. */
  describedBy?: string;
  wide?: boolean;
}

/**
 * A modal dialog: labelled by its title, focus moves in (to `[data-autofocus]` or the first
 * control), Tab stays inside, Escape closes, and focus returns to where it was. The rest of
 * the page is made inert meanwhile, so screen readers and the mouse cannot wander behind it.
 */
export function Dialog({ title, onClose, children, alert, describedBy, wide }: DialogProps) {
  const titleId = useId();
  const backdrop = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = box.current;
    if (root) (root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>(FOCUSABLE) ?? root).focus();
    const hidden: Element[] = [];
    for (const el of Array.from(document.body.children)) {
      if (el === backdrop.current || el.hasAttribute('inert')) continue;
      el.setAttribute('inert', '');
      hidden.push(el);
    }
    return () => {
      for (const el of hidden) el.removeAttribute('inert');
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !box.current) return;
    const items = Array.from(box.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      e.preventDefault();
      return;
    }
    if (e.shiftKey && (document.activeElement === first || document.activeElement === box.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="dialog-backdrop" ref={backdrop}>
      <div
        ref={box}
        className={wide ? 'dialog dialog-wide' : 'dialog'}
        role={alert ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** The row of buttons at the bottom of a dialog. */
export function DialogActions({ children }: { children: ReactNode }) {
  return <div className="dialog-actions">{children}</div>;
}
