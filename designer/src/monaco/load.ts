import { useEffect, useState } from 'react';

/** The Monaco API, as the lazily loaded setup module hands it out. */
export type Monaco = typeof import('monaco-editor/editor/editor.api');

let loading: Promise<Monaco | undefined> | undefined;
let loaded: Monaco | undefined;

/**
 * Whether this page can run Monaco at all. jsdom (the component tests) has no workers and no
 * layout, so there the plain text areas are the editors.
 */
export function canRunMonaco(): boolean {
  return typeof window !== 'undefined' && typeof Worker !== 'undefined' && !/jsdom/i.test(navigator.userAgent);
}

/**
 * Loads Monaco once, from this app's own files (never a CDN), on first use: the first paint and
 * the canvas never wait for it. Resolves to undefined where Monaco cannot run or failed to load;
 * the editors then stay plain text areas, which work the same.
 */
export function loadMonaco(): Promise<Monaco | undefined> {
  if (!canRunMonaco()) return Promise.resolve(undefined);
  loading ??= import('./setup')
    .then((m) => (loaded = m.setupMonaco()))
    .catch((err: unknown) => {
      console.warn('The code editor could not load; plain text boxes are used instead.', err);
      return undefined;
    });
  return loading;
}

/** Monaco once it has loaded (starting the load on mount); undefined until then. */
export function useMonaco(): Monaco | undefined {
  const [monaco, setMonaco] = useState<Monaco | undefined>(loaded);
  useEffect(() => {
    if (monaco) return;
    let live = true;
    void loadMonaco().then((m) => {
      if (live && m) setMonaco(m);
    });
    return () => {
      live = false;
    };
  }, [monaco]);
  return monaco;
}
