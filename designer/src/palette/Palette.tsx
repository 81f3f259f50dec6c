import { useId, useMemo, useRef, useState, type CSSProperties, type DragEvent, type KeyboardEvent } from 'react';
import type { NodeDefinition } from '../../../shared/node-kit/define';
import { NODE_TYPE_MIME } from '../canvas/clipboard';
import { iconFor } from '../canvas/icons';
import { requestNodeFocus } from '../canvas/ui-store';
import { useDesigner } from '../context';
import { PALETTE_GROUPS } from '../registry';
import { testIds } from '../testids';
import { freeSpot } from './free-spot';
import { matchesSearch } from './search';
import './palette.css';

/**
 * The node types, grouped in the order a flow reads (sources first, sinks last). Drag an item
 * onto the canvas, or click it / press Enter to add it to the right of the selected node.
 * Keyboard focus then moves to the new node on the canvas when the canvas is showing (so the
 * next keys, e.g. C for "Connect to…", act on it); otherwise it stays on the palette.
 */
export function Palette() {
  const { store, registry } = useDesigner();
  const [query, setQuery] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const headingId = useId();

  const groups = useMemo(
    () =>
      PALETTE_GROUPS.map((g) => ({
        ...g,
        items: registry
          .nodes()
          .filter((d) => d.category === g.category && matchesSearch(d, query))
          .sort((a, b) => a.title.localeCompare(b.title)),
      })).filter((g) => g.items.length > 0),
    [registry, query],
  );

  const add = (def: NodeDefinition) => {
    const s = store.getState();
    const id = s.addNode(def.type, freeSpot(s.doc, s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined));
    requestNodeFocus(store, id);
  };

  const items = () => [...(list.current?.querySelectorAll<HTMLButtonElement>('.palette-item') ?? [])];

  const onItemKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const all = items();
    const at = all.indexOf(e.currentTarget);
    if (e.key === 'ArrowUp' && at === 0) {
      list.current?.closest('.palette')?.querySelector<HTMLInputElement>('.palette-search')?.focus();
      return;
    }
    all[Math.min(all.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
  };

  const onSearchKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      items()[0]?.focus();
    } else if (e.key === 'Escape' && query) {
      e.preventDefault();
      setQuery('');
    }
  };

  const onDragStart = (e: DragEvent<HTMLButtonElement>, def: NodeDefinition) => {
    e.dataTransfer.setData(NODE_TYPE_MIME, def.type);
    e.dataTransfer.setData('text/plain', def.title);
    e.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <nav className="palette" aria-labelledby={headingId}>
      <h2 id={headingId} className="palette-heading">
        Add a node
      </h2>
      <input
        className="palette-search"
        type="search"
        aria-label="Search node types"
        placeholder="Search…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKeyDown}
      />
      <div ref={list} className="palette-groups">
        {groups.map((g) => (
          <section key={g.category} className="palette-group" aria-labelledby={`${headingId}-${g.category}`}>
            <h3 id={`${headingId}-${g.category}`} className="palette-group-title">
              {g.title}
            </h3>
            <ul className="palette-items">
              {g.items.map((def) => {
                const Icon = iconFor(def.icon);
                const descId = `${headingId}-${def.type}`;
                return (
                  <li key={def.type}>
                    <button
                      type="button"
                      className="palette-item"
                      style={{ '--palette-cat': `var(--cat-${def.category})` } as CSSProperties}
                      data-testid={testIds.paletteItem(def.type)}
                      aria-describedby={descId}
                      title="Drag onto the canvas, or press Enter to add"
                      draggable
                      onDragStart={(e) => onDragStart(e, def)}
                      onClick={() => add(def)}
                      onKeyDown={onItemKeyDown}
                    >
                      <Icon className="palette-item-icon" size={16} aria-hidden="true" />
                      <span className="palette-item-text">
                        <span className="palette-item-title">{def.title}</span>
                        <span id={descId} className="palette-item-summary">
                          {def.summary}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        {groups.length === 0 ? <p className="palette-empty">No node type matches “{query}”.</p> : null}
      </div>
    </nav>
  );
}
