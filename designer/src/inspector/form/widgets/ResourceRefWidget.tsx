import { useMemo, useState } from 'react';
import { useDesigner, useFlowState } from '../../../context';
import { ResourceForm } from '../../ResourceForm';
import type { WidgetProps } from './types';

const CREATE = '+create';

/**
 * Names a resource of the type the field asks for (`x-resource-type`), or creates one on the spot
 * and shows its settings right under the field.
 */
export function ResourceRefWidget({ id, schema, value, required, describedBy, invalid, onChange }: WidgetProps) {
  const { store, registry } = useDesigner();
  const type = schema['x-resource-type'];
  const joined = useFlowState((s) =>
    Object.entries(s.doc.resources ?? {})
      .filter(([, r]) => type === undefined || r.type === type)
      .map(([rid, r]) => `${rid}\t${r.label ?? ''}`)
      .join('\n'),
  );
  const options = useMemo(() => (joined ? joined.split('\n').map((l) => l.split('\t') as [string, string]) : []), [joined]);
  const current = typeof value === 'string' ? value : '';
  const exists = options.some(([rid]) => rid === current);
  const [openFor, setOpenFor] = useState<string | undefined>(undefined);
  const def = type ? registry.resource(type) : undefined;
  const what = def?.title ?? 'resource';

  return (
    <>
      <select
        id={id}
        className="inspector-input"
        value={current}
        aria-required={required || undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          const v = e.target.value;
          if (v === CREATE) {
            if (!type) return;
            const created = store.getState().addResource(type);
            onChange(created, 'step');
            setOpenFor(created);
            return;
          }
          onChange(v === '' ? undefined : v, 'step');
        }}
      >
        <option value="">{required ? `Choose a ${what}…` : '(none)'}</option>
        {current && !exists ? <option value={current}>{`${current} (does not exist)`}</option> : null}
        {options.map(([rid, label]) => (
          <option key={rid} value={rid}>
            {label && label !== rid ? `${label} (${rid})` : rid}
          </option>
        ))}
        {type && def ? <option value={CREATE}>Create new…</option> : null}
      </select>
      {current && exists ? (
        <details
          className="inspector-inline-resource"
          open={openFor === current}
          onToggle={(e) => {
            const open = e.currentTarget.open;
            setOpenFor((prev) => (open ? current : prev === current ? undefined : prev));
          }}
        >
          <summary>Settings of {options.find(([rid]) => rid === current)?.[1] || current}</summary>
          {openFor === current ? <ResourceForm id={current} /> : null}
        </details>
      ) : null}
    </>
  );
}
