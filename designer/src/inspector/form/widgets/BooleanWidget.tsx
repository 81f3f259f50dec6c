import type { WidgetProps } from './types';

/** A checkbox; the default is shown but not written, and turning back to it removes the key. */
export function BooleanWidget({ id, schema, value, describedBy, invalid, onChange }: WidgetProps) {
  const def = typeof schema.default === 'boolean' ? schema.default : false;
  const checked = typeof value === 'boolean' ? value : def;
  return (
    <input
      id={id}
      type="checkbox"
      className="inspector-checkbox"
      checked={checked}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onChange={(e) => onChange(e.target.checked === def ? undefined : e.target.checked, 'step')}
    />
  );
}
