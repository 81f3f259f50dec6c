import type { WidgetProps } from './types';
import { placeholderOf } from './types';

export function TextWidget({ id, schema, value, required, describedBy, invalid, onChange }: WidgetProps) {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
  return (
    <input
      id={id}
      type="text"
      className="inspector-input"
      value={text}
      placeholder={placeholderOf(schema)}
      maxLength={schema.maxLength}
      aria-required={required || undefined}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      spellCheck={false}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
    />
  );
}
