import { useEffect, useState } from 'react';
import { EditorPage } from './editor/EditorPage';
import { TokenDialog } from './editor/ui/token';
import { FlowList } from './flows/FlowList';

/** The current hash route: `#/` the flow list, `#/flows/<id>` the editor (no server rewrites needed). */
function useRoute(): string {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#/, '') || '/';
}

export function App() {
  const route = useRoute();
  const m = /^\/flows\/([a-z][a-z0-9-]{0,62})$/.exec(route);
  const flowId = m?.[1];
  return (
    <div className="app">
      {/* Keyed by id: every opened flow gets fresh stores and history. */}
      {flowId ? <EditorPage key={flowId} flowId={flowId} /> : <FlowList />}
      <TokenDialog />
    </div>
  );
}
