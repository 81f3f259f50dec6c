import { useState, type ReactNode } from 'react';
import { fieldsOf, isPlainObject, type FieldSpec, type JsonSchema } from './json-schema';
import { FieldShell } from './FieldShell';
import { useFormScope } from './form-scope';
import { isPointerPrefix } from './pointer';
import { SchemaField } from './SchemaField';

/** The fields of an object schema, in schema order, with `x-advanced` ones in a collapsed section. */
export function ObjectFields({ schema, value, pointer }: { schema: JsonSchema; value: unknown; pointer: string }) {
  const fields = fieldsOf(schema, pointer);
  const obj = isPlainObject(value) ? value : {};
  const basic = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  return (
    <>
      {basic.map((f) => (
        <SchemaField key={f.name} spec={f} value={obj[f.name]} />
      ))}
      {advanced.length ? <AdvancedFields fields={advanced} obj={obj} /> : null}
    </>
  );
}

function AdvancedFields({ fields, obj }: { fields: FieldSpec[]; obj: Record<string, unknown> }) {
  const { diagnostics } = useFormScope();
  let problems = 0;
  for (const [p, list] of diagnostics.at) if (fields.some((f) => isPointerPrefix(f.pointer, p))) problems += list.length;
  // Opened at first when something in it needs attention, so no problem starts out hidden.
  const [open, setOpen] = useState(problems > 0);
  return (
    <details className="inspector-advanced" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Advanced
        {problems ? <span className="inspector-count is-error">{` (${problems} ${problems === 1 ? 'problem' : 'problems'})`}</span> : null}
      </summary>
      {fields.map((f) => (
        <SchemaField key={f.name} spec={f} value={obj[f.name]} />
      ))}
    </details>
  );
}

/** A nested object (e.g. a cache or a sign-in block) as a fieldset of its own fields. */
export function ObjectFieldset({ spec, value, id, actions }: { spec: FieldSpec; value: unknown; id: string; actions?: ReactNode }) {
  return (
    <FieldShell group pointer={spec.pointer} label={spec.label} inputId={id} description={spec.schema.description} required={spec.required} actions={actions}>
      <ObjectFields schema={spec.schema} value={value} pointer={spec.pointer} />
    </FieldShell>
  );
}
