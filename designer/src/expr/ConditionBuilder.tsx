import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Plus, X } from 'lucide-react';
import { useDesigner, useFlowState } from '../context';
import { fieldsAt } from '../schema/fields-at';
import {
  OPERATORS,
  operatorsFor,
  parseCondition,
  rowProblem,
  scalarFields,
  writeCondition,
  listItems,
  type ConditionMode,
  type ConditionOp,
  type ConditionRow,
  type ScalarType,
} from './condition';
import './expr.css';

export interface ConditionBuilderProps {
  nodeId: string;
  value: string;
  onChange(value: string): void;
}

interface RowState extends ConditionRow {
  key: number;
}

type BuilderState = { supported: false } | { supported: true; mode: ConditionMode; rows: RowState[] };

const TEXT_OPS: ReadonlySet<ConditionOp> = new Set(['contains', 'startsWith', 'endsWith']);
const OP_LABEL = new Map(OPERATORS.map((o) => [o.op, o.label]));

/**
 * Point-and-click conditions for a filter: rows of field / comparison / value joined by "all of"
 * or "any of", written as CEL through `onChange`. It reads back CEL it could have written; any
 * other expression is left untouched, with a note to edit it in the expression editor.
 */
export function ConditionBuilder({ nodeId, value, onChange }: ConditionBuilderProps) {
  const { registry } = useDesigner();
  const doc = useFlowState((s) => s.doc);
  const fields = useMemo(() => scalarFields(fieldsAt(registry, doc, nodeId)), [registry, doc, nodeId]);
  const typeOf = useMemo(() => new Map(fields.map((f) => [f.expr, f.scalar])), [fields]);
  const nextKey = useRef(0);
  const keyed = (row: ConditionRow): RowState => ({ ...row, key: nextKey.current++ });
  const blank = (): RowState => keyed({ field: '', type: 'string', op: 'eq', value: '' });

  const derive = (cel: string): BuilderState => {
    const parsed = parseCondition(cel);
    if (!parsed) return { supported: false };
    return { supported: true, mode: parsed.mode, rows: parsed.rows.length ? parsed.rows.map(keyed) : [blank()] };
  };
  const [state, setState] = useState<BuilderState>(() => derive(value));
  // The last text this builder wrote; anything else arriving in `value` came from elsewhere (the
  // expression editor, undo) and is read afresh.
  const written = useRef(value);
  useEffect(() => {
    if (value === written.current) return;
    written.current = value;
    setState(derive(value));
  }, [value]);

  /** The row as it will be written: the field's own type when the field is known. */
  const effective = (row: ConditionRow): ConditionRow => {
    const known = typeOf.get(row.field);
    if (known) return { ...row, type: known };
    return TEXT_OPS.has(row.op) ? { ...row, type: 'string' } : row;
  };

  const update = (mode: ConditionMode, rows: RowState[]) => {
    setState({ supported: true, mode, rows });
    const ready = rows.map(effective);
    if (ready.some((r) => rowProblem(r) !== undefined)) return;
    const cel = writeCondition(ready, mode);
    if (cel === value) return;
    written.current = cel;
    onChange(cel);
  };

  const baseId = useId();
  if (!state.supported) {
    return (
      <fieldset className="expr-cond">
        <legend>Build the condition</legend>
        <p className="expr-cond-note">This condition uses the full expression language; edit it below.</p>
      </fieldset>
    );
  }
  const { mode, rows } = state;
  const setRow = (index: number, patch: Partial<ConditionRow>) =>
    update(
      mode,
      rows.map((r, i) => (i === index ? { ...r, ...patch } : r)),
    );
  const changeValue = (index: number, text: string) => {
    const row = rows[index]!;
    // Without a known field type, a value's type is what it looks like; a parsed row keeps its
    // literal's type until the value is edited.
    const type = typeOf.has(row.field) ? row.type : guessType(row.op === 'in' ? listItems(text) ?? [] : [text]);
    setRow(index, { value: text, type });
  };
  const changeField = (index: number, field: string) => {
    const row = rows[index]!;
    const type = typeOf.get(field) ?? row.type;
    const ops = operatorsFor(type);
    const patch: Partial<ConditionRow> = { field, type };
    if (fields.length > 0 && !ops.includes(row.op)) patch.op = 'eq';
    if (type === 'bool' && row.value !== 'true' && row.value !== 'false') patch.value = 'true';
    setRow(index, patch);
  };

  return (
    <fieldset className="expr-cond">
      <legend>Build the condition</legend>
      {rows.length > 1 && (
        <div className="expr-cond-mode">
          <label htmlFor={`${baseId}-mode`}>Match</label>
          <select id={`${baseId}-mode`} value={mode} onChange={(e) => update(e.target.value as ConditionMode, rows)}>
            <option value="all">all of</option>
            <option value="any">any of</option>
          </select>
          <span>these conditions</span>
        </div>
      )}
      <ol className="expr-cond-rows">
        {rows.map((row, index) => {
          const n = index + 1;
          const eff = effective(row);
          const problem = rowProblem(eff);
          const hintId = `${baseId}-hint-${row.key}`;
          const known = typeOf.has(row.field);
          const ops = fields.length > 0 ? operatorsFor(eff.type) : OPERATORS.map((o) => o.op);
          // An unfinished row (nothing typed yet) is a hint, not an error.
          const valueInvalid = problem !== undefined && row.value.trim() !== '' && row.field !== '';
          return (
            <li key={row.key} className="expr-cond-row">
              {fields.length > 0 ? (
                <select aria-label={`Field of condition ${n}`} value={row.field} onChange={(e) => changeField(index, e.target.value)}>
                  {row.field === '' && <option value="">Choose a field…</option>}
                  {!known && row.field !== '' && <option value={row.field}>{row.field} (not in the incoming records)</option>}
                  {fields.map((f) => (
                    <option key={f.expr} value={f.expr}>
                      {f.path}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  type="text"
                  aria-label={`Field of condition ${n}`}
                  placeholder="field, e.g. total"
                  value={row.field}
                  spellCheck={false}
                  onChange={(e) => setRow(index, { field: e.target.value })}
                />
              )}
              <select aria-label={`Comparison of condition ${n}`} value={row.op} onChange={(e) => setRow(index, { op: e.target.value as ConditionOp })}>
                {!ops.includes(row.op) && <option value={row.op}>{OP_LABEL.get(row.op)}</option>}
                {ops.map((op) => (
                  <option key={op} value={op}>
                    {OP_LABEL.get(op)}
                  </option>
                ))}
              </select>
              <ValueInput
                n={n}
                row={row}
                type={eff.type}
                invalid={valueInvalid}
                describedBy={problem ? hintId : undefined}
                onChange={(v) => changeValue(index, v)}
              />
              <button
                type="button"
                className="expr-cond-remove"
                aria-label={`Remove condition ${n}`}
                title="Remove this condition"
                onClick={() => update(mode, rows.length > 1 ? rows.filter((_, i) => i !== index) : [blank()])}
              >
                <X size={14} aria-hidden="true" />
              </button>
              {problem && (
                <p id={hintId} className="expr-cond-hint">
                  {problem}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => update(mode, [...rows, blank()])}>
        <Plus size={14} aria-hidden="true" /> Add condition
      </button>
    </fieldset>
  );
}

function ValueInput(props: { n: number; row: ConditionRow; type: ScalarType; invalid: boolean; describedBy?: string; onChange(v: string): void }) {
  const { n, row, type, invalid, describedBy, onChange } = props;
  const label = `Value of condition ${n}`;
  if (row.op === 'set') return <span aria-hidden="true" />;
  if (type === 'bool' && row.op !== 'in') {
    return (
      <select aria-label={label} value={row.value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)}>
        {row.value !== 'true' && row.value !== 'false' && <option value={row.value}>Choose…</option>}
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  }
  const numeric = type === 'int' || type === 'double';
  const placeholder = row.op === 'in' ? (numeric ? 'e.g. 1, 2, 3' : 'e.g. eu, us') : numeric ? 'e.g. 1000' : 'value';
  return (
    <input
      type="text"
      aria-label={label}
      inputMode={numeric ? 'decimal' : undefined}
      placeholder={placeholder}
      value={row.value}
      spellCheck={false}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** With no schema, a value's type is what it looks like: `true`, `42`, `4.2`, else text. */
function guessType(values: readonly string[]): ScalarType {
  const vs = values.map((v) => v.trim()).filter(Boolean);
  if (vs.length === 0) return 'string';
  if (vs.every((v) => v === 'true' || v === 'false')) return 'bool';
  if (vs.every((v) => /^-?\d+$/.test(v))) return 'int';
  if (vs.every((v) => /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v))) return 'double';
  return 'string';
}
