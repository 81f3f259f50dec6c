import { useState } from 'react';
import { Plus, X } from 'lucide-react';
import { choicesOf, isPlainObject, singular, unwrap, type FieldSpec, type JsonSchema } from './json-schema';
import { FieldShell, LocalProblem } from './FieldShell';
import { useFormScope, type EditKind } from './form-scope';

interface Row {
  key: string;
  value: string;
}

function rowsOf(value: unknown): Row[] {
  if (!isPlainObject(value)) return [];
  return Object.entries(value).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }));
}

function objectOf(rows: readonly Row[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.key !== '') out[r.key] = r.value;
  return out;
}

/**
 * Names and values (headers, column types). Rows live here until they have a name, so an empty
 * row can be added and filled in; the config gets the named rows, and loses the key when none is left.
 */
export function KeyValueField({ spec, value, id }: { spec: FieldSpec; value: unknown; id: string }) {
  const scope = useFormScope();
  const external = JSON.stringify(isPlainObject(value) ? value : {});
  const [state, setState] = useState<{ rows: Row[]; seen: string; own?: string }>(() => ({ rows: rowsOf(value), seen: external }));
  let rows = state.rows;
  if (external !== state.seen) {
    rows = external === state.own ? state.rows : rowsOf(value);
    setState({ rows, seen: external });
  }
  const extra = spec.schema.additionalProperties;
  const valueSchema: JsonSchema = typeof extra === 'object' ? unwrap(extra) : { type: 'string' };
  const choices = choicesOf(valueSchema);
  const rowLabel = singular(spec.label);

  const write = (next: Row[], how: EditKind = 'typing') => {
    const obj = objectOf(next);
    setState((s) => ({ ...s, rows: next, own: JSON.stringify(obj) }));
    scope.commit(spec.pointer, Object.keys(obj).length ? obj : undefined, how);
  };
  const edit = (i: number, change: Partial<Row>) => write(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));

  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of rows) {
    if (r.key !== '' && seen.has(r.key)) duplicates.add(r.key);
    seen.add(r.key);
  }
  const problem = duplicates.size
    ? `${[...duplicates].map((k) => `“${k}”`).join(', ')} ${duplicates.size === 1 ? 'is' : 'are'} used more than once; only the last one counts.`
    : rows.some((r) => r.key === '' && r.value !== '')
      ? 'A row without a name is not saved; give it a name.'
      : undefined;

  return (
    <FieldShell group pointer={spec.pointer} label={spec.label} inputId={id} description={spec.schema.description} required={spec.required} className="is-key-value">
      {rows.length ? (
        <div className="inspector-kv">
          {rows.map((r, i) => {
            const name = `${rowLabel} ${i + 1}`;
            return (
              <div className="inspector-kv-row" key={i}>
                <input
                  type="text"
                  className="inspector-input"
                  aria-label={`${name} name`}
                  placeholder="Name"
                  value={r.key}
                  spellCheck={false}
                  onChange={(e) => edit(i, { key: e.target.value })}
                />
                {choices ? (
                  <select className="inspector-input" aria-label={`${name} value`} value={r.value} onChange={(e) => write(rows.map((r2, j) => (j === i ? { ...r2, value: e.target.value } : r2)), 'step')}>
                    {r.value === '' || !choices.includes(r.value) ? <option value={r.value}>{r.value === '' ? 'Choose…' : `${r.value} (not allowed)`}</option> : null}
                    {choices.map((c) => (
                      <option key={String(c)} value={String(c)}>
                        {String(c)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    type="text"
                    className="inspector-input"
                    aria-label={`${name} value`}
                    placeholder="Value"
                    value={r.value}
                    spellCheck={false}
                    onChange={(e) => edit(i, { value: e.target.value })}
                  />
                )}
                <button type="button" className="inspector-icon-button" aria-label={`Remove ${name}`} title="Remove" onClick={() => write(rows.filter((_, j) => j !== i), 'step')}>
                  <X size={14} aria-hidden="true" />
                </button>
              </div>
            );
          })}
        </div>
      ) : (
        <p className="inspector-empty">None yet.</p>
      )}
      <LocalProblem id={`${id}-local`} text={problem} />
      <button type="button" className="inspector-add" onClick={() => setState((s) => ({ ...s, rows: [...rows, { key: '', value: '' }] }))}>
        <Plus size={14} aria-hidden="true" /> Add {rowLabel.toLowerCase()}
      </button>
    </FieldShell>
  );
}
