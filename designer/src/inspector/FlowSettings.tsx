import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Plus, Trash2 } from 'lucide-react';
import type { ErrorPolicy } from '../../../shared/flow/document';
import { useDesigner, useFlowState } from '../context';
import { testIds } from '../testids';
import { useDocDiagnostics } from './diagnostics';
import { ERROR_POINTERS, ErrorPolicyFields } from './ErrorPolicyFields';
import { deepestFieldFor, focusTargetIn } from './focus';
import { FieldShell, describedBy } from './form/FieldShell';
import { FormScopeProvider, type FormScope } from './form/form-scope';
import { appendPointer, placeDiagnostics, segmentsBelow, setIn } from './form/pointer';
import { resourceUsers } from './resource-refs';
import { ResourceForm, resourcePointer } from './ResourceForm';
import { useFocusRequest } from './use-focus-request';

/**
 * What the inspector shows with nothing selected: the flow's name and description, its error
 * policy, and the resources (connections, tables) its nodes share.
 */
export function FlowSettings({ handled }: { handled: { current: number } }) {
  const { store } = useDesigner();
  const name = useFlowState((s) => s.doc.name);
  const description = useFlowState((s) => s.doc.description);
  const errors = useFlowState((s) => s.doc.errors);
  const root = useRef<HTMLDivElement>(null);
  useFocusRequest(root, undefined, handled);
  const diags = useDocDiagnostics('');
  const placed = useMemo(() => placeDiagnostics(diags, ['/name', '/description', ...ERROR_POINTERS]), [diags]);
  const scope = useMemo<FormScope>(
    () => ({
      diagnostics: placed,
      commit(pointer, value, how = 'typing') {
        const inErrors = segmentsBelow('/errors', pointer);
        if (!inErrors) return;
        const next = setIn((store.getState().doc.errors ?? {}) as Record<string, unknown>, inErrors, value) as ErrorPolicy;
        store.getState().setFlowErrors(Object.keys(next).length ? next : undefined, how === 'typing' ? { coalesce: `flow-errors:${pointer}` } : undefined);
      },
    }),
    [placed, store],
  );
  const nameId = useId();
  const descriptionId = useId();
  return (
    <div className="inspector-flow" ref={root}>
      <FormScopeProvider value={scope}>
        <header className="inspector-header">
          <div className="inspector-title">
            <h2 tabIndex={-1} data-focus-fallback>
              Flow settings
            </h2>
            <p className="inspector-type">Select a node on the canvas to edit it.</p>
          </div>
        </header>
        <FieldShell pointer="/name" label="Name" inputId={nameId}>
          <input
            id={nameId}
            type="text"
            className="inspector-input"
            value={name ?? ''}
            aria-describedby={describedBy(nameId, false, placed.at.has('/name'))}
            onChange={(e) => store.getState().setFlowMeta({ name: e.target.value }, { coalesce: 'flow:name' })}
          />
        </FieldShell>
        <FieldShell pointer="/description" label="Description" inputId={descriptionId} description="What the flow is for, for whoever reads it next.">
          <textarea
            id={descriptionId}
            className="inspector-input"
            rows={3}
            value={description ?? ''}
            aria-describedby={describedBy(descriptionId, true, placed.at.has('/description'))}
            onChange={(e) => store.getState().setFlowMeta({ description: e.target.value }, { coalesce: 'flow:description' })}
          />
        </FieldShell>
        <section className="inspector-section" aria-label="On errors">
          <ErrorPolicyFields value={errors} />
        </section>
      </FormScopeProvider>
      <Resources />
    </div>
  );
}

function Resources() {
  const { store, registry } = useDesigner();
  const joined = useFlowState((s) => Object.keys(s.doc.resources ?? {}).join('\n'));
  const ids = joined ? joined.split('\n') : [];
  const types = registry.resources();
  const [type, setType] = useState(types[0]?.type ?? '');
  const [added, setAdded] = useState<string | undefined>(undefined);
  const list = useRef<HTMLDivElement>(null);
  const typeId = useId();

  // A new resource's name field gets the caret, so it can be named straight away.
  useEffect(() => {
    if (!added || !list.current) return;
    const field = deepestFieldFor(list.current, appendPointer(resourcePointer(added), 'label'));
    if (field) focusTargetIn(field)?.focus();
    setAdded(undefined);
  }, [added]);

  return (
    <section className="inspector-section inspector-resources" aria-labelledby={`${typeId}-title`}>
      <h3 id={`${typeId}-title`}>Resources</h3>
      <p className="inspector-help">Connections and reference tables that nodes of this flow share.</p>
      <div ref={list}>
        {ids.length === 0 ? <p className="inspector-empty">None yet.</p> : null}
        {ids.map((rid) => (
          <ResourceCard key={rid} id={rid} />
        ))}
      </div>
      <div className="inspector-add-row">
        <label htmlFor={typeId}>New resource</label>
        <select id={typeId} className="inspector-input" value={type} onChange={(e) => setType(e.target.value)}>
          {types.map((t) => (
            <option key={t.type} value={t.type}>
              {t.title}
            </option>
          ))}
        </select>
        <button type="button" className="inspector-add" disabled={!type} onClick={() => setAdded(store.getState().addResource(type))}>
          <Plus size={14} aria-hidden="true" /> Add
        </button>
      </div>
    </section>
  );
}

function ResourceCard({ id }: { id: string }) {
  const { store, registry } = useDesigner();
  const resource = useFlowState((s) => s.doc.resources?.[id]);
  const [users, setUsers] = useState<Array<{ id: string; label: string }> | undefined>(undefined);
  const headingId = useId();
  if (!resource) return null;
  const def = registry.resource(resource.type, resource.version);
  const pointer = resourcePointer(id);
  const title = resource.label || def?.title || resource.type;
  const remove = () => store.getState().setResource(id, undefined);
  return (
    <article className="inspector-resource" data-pointer={pointer} data-testid={testIds.field(pointer)} aria-labelledby={headingId}>
      <header className="inspector-resource-header">
        <div>
          <h4 id={headingId}>{title}</h4>
          <p className="inspector-type">
            {def?.title ?? resource.type} · id <code>{id}</code>
          </p>
        </div>
        <button
          type="button"
          className="inspector-icon-button"
          aria-label={`Remove ${title}`}
          title="Remove"
          onClick={() => {
            const using = resourceUsers(registry, store.getState().doc, id);
            if (using.length) setUsers(using);
            else remove();
          }}
        >
          <Trash2 size={14} aria-hidden="true" />
        </button>
      </header>
      {users ? (
        <div className="inspector-confirm" role="alertdialog" aria-labelledby={`${headingId}-confirm`}>
          <p id={`${headingId}-confirm`}>
            {title} is used by {users.map((u) => u.label).join(', ')}. Removing it leaves {users.length === 1 ? 'that setting' : 'those settings'} pointing at
            nothing.
          </p>
          <button type="button" className="inspector-danger" onClick={remove}>
            Remove anyway
          </button>
          <button type="button" onClick={() => setUsers(undefined)}>
            Keep it
          </button>
        </div>
      ) : null}
      <ResourceForm id={id} withName />
    </article>
  );
}
