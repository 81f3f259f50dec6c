import { useId, useMemo } from 'react';
import type { ResourceInstance } from '../../../shared/flow/document';
import type { ResourceDefinition } from '../../../shared/node-kit/define';
import { useDesigner, useFlowState } from '../context';
import { useDocDiagnostics } from './diagnostics';
import { FieldShell, Problems, describedBy } from './form/FieldShell';
import { FormScopeProvider, type FormScope } from './form/form-scope';
import { fieldPointers, schemaOf } from './form/json-schema';
import { ObjectFields } from './form/ObjectFields';
import { appendPointer, placeDiagnostics, segmentsBelow, setIn } from './form/pointer';

/** `/resources/<id>`: where a resource's problems point, relative to the document. */
export function resourcePointer(id: string): string {
  return appendPointer(appendPointer('', 'resources'), id);
}

/**
 * The settings form of one resource (a connection, a reference table), generated from its
 * definition like a node's. `withName` adds its display name; problems the validator found in it
 * show under their fields, the rest at the top.
 */
export function ResourceForm({ id, withName = false }: { id: string; withName?: boolean }) {
  const { registry } = useDesigner();
  const resource = useFlowState((s) => s.doc.resources?.[id]);
  if (!resource) return <p className="inspector-empty">This resource no longer exists.</p>;
  const def = registry.resource(resource.type, resource.version);
  if (!def) {
    return (
      <p className="inspector-problem is-error" role="alert">
        This version of Sluice does not know resource type “{resource.type}” version {resource.version}, so its settings cannot be shown.
      </p>
    );
  }
  return <ResourceFields id={id} resource={resource} def={def} withName={withName} />;
}

function ResourceFields({ id, resource, def, withName }: { id: string; resource: ResourceInstance; def: ResourceDefinition; withName: boolean }) {
  const { store } = useDesigner();
  const schema = schemaOf(def);
  const base = resourcePointer(id);
  const configBase = appendPointer(base, 'config');
  const labelPointer = appendPointer(base, 'label');
  const diags = useDocDiagnostics(base);
  const placed = useMemo(
    () => placeDiagnostics(diags, [...(withName ? [labelPointer] : []), ...fieldPointers(schema, resource.config, configBase)]),
    [diags, schema, resource.config, configBase, labelPointer, withName],
  );
  const scope = useMemo<FormScope>(
    () => ({
      diagnostics: placed,
      commit(pointer, value, how = 'typing') {
        const current = store.getState().doc.resources?.[id];
        const segments = segmentsBelow(configBase, pointer);
        if (!current || !segments) return;
        store.getState().setResource(id, { ...current, config: setIn(current.config ?? {}, segments, value) }, how === 'typing' ? { coalesce: `res:${id}:${pointer}` } : undefined);
      },
    }),
    [placed, store, id, configBase],
  );
  const nameId = useId();
  return (
    <FormScopeProvider value={scope}>
      <div className="inspector-resource-form">
        <Problems problems={placed.unplaced} />
        {withName ? (
          <FieldShell pointer={labelPointer} label="Name" inputId={nameId} description="How nodes' settings show this resource.">
            <input
              id={nameId}
              type="text"
              className="inspector-input"
              value={resource.label ?? ''}
              placeholder={def.title}
              aria-describedby={describedBy(nameId, true, placed.at.has(labelPointer))}
              onChange={(e) => {
                const current = store.getState().doc.resources?.[id];
                if (!current) return;
                const next: ResourceInstance = { ...current, label: e.target.value };
                if (e.target.value === '') delete next.label;
                store.getState().setResource(id, next, { coalesce: `res:${id}:label` });
              }}
            />
          </FieldShell>
        ) : null}
        <ObjectFields schema={schema} value={resource.config} pointer={configBase} />
      </div>
    </FormScopeProvider>
  );
}
