import { useEffect, useState } from 'react';

/** Hash routes, so the server needs no rewrite rules: `#/` the flow list, `#/flows/<id>` the editor. */
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
  return <div className="app">{m ? <p>Editor for {m[1]}</p> : <p>Flow list</p>}</div>;
}
