import { useMemo } from 'react';
import { useDesigner, useFlowState } from '../../../context';
import { fieldsAt } from '../../../schema/fields-at';
import { useFormScope } from '../form-scope';
import { placeholderOf, type WidgetProps } from './types';

/**
 * A field path, typed or picked from the fields arriving at the node. The list is read as one
 * string so the widget redraws only when the fields change, not on every edit of the flow.
 */
export function FieldPathWidget({ id, schema, value, required, describedBy, invalid, onChange }: WidgetProps) {
  const { registry } = useDesigner();
  const { nodeId } = useFormScope();
  const joined = useFlowState((s) =>
    nodeId && s.doc.nodes[nodeId]
      ? fieldsAt(registry, s.doc, nodeId)
          .map((f) => `${f.path}\t${f.type}`)
          .join('\n')
      : '',
  );
  const fields = useMemo(() => (joined ? joined.split('\n').map((l) => l.split('\t') as [string, string]) : []), [joined]);
  const listId = `${id}-fields`;
  return (
    <>
      <input
        id={id}
        type="text"
        className="inspector-input"
        list={fields.length ? listId : undefined}
        value={typeof value === 'string' ? value : ''}
        placeholder={placeholderOf(schema) ?? (fields[0] ? `e.g. ${fields[0][0]}` : undefined)}
        autoComplete="off"
        spellCheck={false}
        aria-required={required || undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
      {fields.length ? (
        <datalist id={listId}>
          {fields.map(([path, type]) => (
            <option key={path} value={path} label={type} />
          ))}
        </datalist>
      ) : null}
    </>
  );
}
