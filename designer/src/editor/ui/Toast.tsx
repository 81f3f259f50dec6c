import { useCallback, useEffect, useState } from 'react';
import { X } from 'lucide-react';
import { testIds } from '../../testids';
import './toast.css';

export interface ToastMessage {
  text: string;
  kind: 'info' | 'error';
  /** Bumped per message so the same text shown twice restarts the timer. */
  seq: number;
}

const HIDE_AFTER_MS = 5000;

/** One toast at a time: a newer message replaces the older one. */
export function useToast() {
  const [toast, setToast] = useState<ToastMessage | undefined>();
  const show = useCallback((text: string, kind: ToastMessage['kind'] = 'info') => {
    setToast((t) => ({ text, kind, seq: (t?.seq ?? 0) + 1 }));
  }, []);
  const dismiss = useCallback(() => setToast(undefined), []);
  return { toast, show, dismiss };
}

/**
 * The live region toasts appear in. It is always in the page, so screen readers announce a
 * message as it arrives; the message hides itself after about five seconds.
 */
export function ToastRegion({ toast, onDismiss }: { toast: ToastMessage | undefined; onDismiss(): void }) {
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(onDismiss, HIDE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [toast, onDismiss]);

  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast && (
        <div className={`toast toast-${toast.kind}`} data-testid={testIds.toast}>
          <span className="toast-text">{toast.text}</span>
          <button type="button" className="toast-close" aria-label="Dismiss message" onClick={onDismiss}>
            <X size={14} aria-hidden />
          </button>
        </div>
      )}
    </div>
  );
}
