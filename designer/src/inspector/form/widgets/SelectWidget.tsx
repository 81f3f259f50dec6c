import { choicesOf } from '../json-schema';
import type { WidgetProps } from './types';

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * One of a fixed set of values. The default is shown as chosen but not written; choosing the
 * default again removes the key, so files keep leaving defaults out.
 */
export function SelectWidget({ id, schema, value, required, describedBy, invalid, onChange }: WidgetProps) {
  const choices = choicesOf(schema) ?? [];
  const def = schema.default;
  const current = value !== undefined ? value : def;
  const index = choices.findIndex((c) => c === current);
  const unknown = current !== undefined && index < 0;
  // An empty choice when nothing is chosen yet, or when the field may be left out.
  const empty = current === undefined || (!required && def === undefined);
  const selected = index >= 0 ? String(index) : unknown ? 'unknown' : '';
  return (
    <select
      id={id}
      className="inspector-input"
      value={selected}
      aria-required={required || undefined}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onChange={(e) => {
        const v = e.target.value;
        if (v === '' || v === 'unknown') return onChange(undefined, 'step');
        const choice = choices[Number(v)];
        onChange(choice === def ? undefined : choice, 'step');
      }}
    >
      {empty ? <option value="">{required ? 'Choose…' : '(none)'}</option> : null}
      {unknown ? <option value="unknown">{`${show(current)} (not allowed)`}</option> : null}
      {choices.map((c, i) => (
        <option key={i} value={String(i)}>
          {show(c)}
          {c === def ? ' (default)' : ''}
        </option>
      ))}
    </select>
  );
}
