import { useId, useMemo, useRef } from 'react';
import type { ErrorPolicy, NodeInstance } from '../../../shared/flow/document';
import type { NodeDefinition } from '../../../shared/node-kit/define';
import { useDesigner, useFlowState } from '../context';
import { useNodeDiagnostics } from './diagnostics';
import { ERROR_POINTERS, ErrorPolicyFields } from './ErrorPolicyFields';
import { FieldShell, Problems, describedBy } from './form/FieldShell';
import { FormScopeProvider, type FormScope } from './form/form-scope';
import { fieldPointers, schemaOf } from './form/json-schema';
import { ObjectFields } from './form/ObjectFields';
import { placeDiagnostics, segmentsBelow, setIn } from './form/pointer';
import { NodeDocs } from './NodeDocs';
import { NodeIcon } from './node-icon';
import { useFocusRequest } from './use-focus-request';

/**
 * The selected node: what it is, its label and description, its settings form generated from the
 * type's config schema, its error policy and the type's documentation. Subscribes to this node
 * and to its problems only, so edits elsewhere in the flow do not redraw it.
 */
export function NodeInspector({ id, handled }: { id: string; handled: { current: number } }) {
  const { registry } = useDesigner();
  const node = useFlowState((s) => s.doc.nodes[id]);
  const root = useRef<HTMLDivElement>(null);
  useFocusRequest(root, id, handled);
  if (!node) return null;
  const def = registry.node(node.type, node.version);
  return (
    <div className="inspector-node" ref={root}>
      <NodeForm id={id} node={node} def={def} />
    </div>
  );
}

function NodeForm({ id, node, def }: { id: string; node: NodeInstance; def: NodeDefinition | undefined }) {
  const { store } = useDesigner();
  const schema = def ? schemaOf(def) : undefined;
  const diags = useNodeDiagnostics(id);
  const flowErrors = useFlowState((s) => s.doc.errors);
  const placed = useMemo(
    () => placeDiagnostics(diags, ['/label', '/description', ...ERROR_POINTERS, ...(schema ? fieldPointers(schema, node.config, '/config') : [])]),
    [diags, schema, node.config],
  );
  const scope = useMemo<FormScope>(
    () => ({
      nodeId: id,
      nodeType: node.type,
      diagnostics: placed,
      commit(pointer, value, how = 'typing') {
        const current = store.getState().doc.nodes[id];
        if (!current) return;
        const inConfig = segmentsBelow('/config', pointer);
        if (inConfig) {
          store.getState().setNodeConfig(id, setIn(current.config ?? {}, inConfig, value), how === 'typing' ? { coalesce: `cfg:${id}:${pointer}` } : undefined);
          return;
        }
        const inErrors = segmentsBelow('/errors', pointer);
        if (inErrors) {
          const next = setIn((current.errors ?? {}) as Record<string, unknown>, inErrors, value) as ErrorPolicy;
          store.getState().setNodeErrors(id, Object.keys(next).length ? next : undefined, how === 'typing' ? { coalesce: `err:${id}:${pointer}` } : undefined);
        }
      },
    }),
    [id, node.type, placed, store],
  );
  const labelId = useId();
  const descriptionId = useId();
  const labelProblems = placed.at.get('/label') ?? [];
  const descriptionProblems = placed.at.get('/description') ?? [];

  return (
    <FormScopeProvider value={scope}>
      <header className="inspector-header" style={def ? { ['--inspector-cat' as string]: `var(--cat-${def.category})` } : undefined}>
        <span className="inspector-icon">
          <NodeIcon name={def?.icon ?? ''} />
        </span>
        <div className="inspector-title">
          <h2 tabIndex={-1} data-focus-fallback>
            {def?.title ?? node.type}
          </h2>
          <p className="inspector-type">
            <code>{node.type}</code> · version {node.version} · id <code>{id}</code>
          </p>
        </div>
      </header>
      {def ? <p className="inspector-summary">{def.summary}</p> : null}
      {placed.unplaced.length ? (
        <div className="inspector-unplaced">
          <h3>Problems with this node</h3>
          <Problems problems={placed.unplaced} />
        </div>
      ) : null}

      <FieldShell pointer="/label" label="Label" inputId={labelId} description="The name shown on the canvas.">
        <input
          id={labelId}
          type="text"
          className="inspector-input"
          aria-label="Label"
          value={node.label ?? ''}
          placeholder={def?.title}
          aria-invalid={labelProblems.some((d) => d.severity === 'error') || undefined}
          aria-describedby={describedBy(labelId, true, labelProblems.length > 0)}
          onChange={(e) => store.getState().setNodeLabel(id, e.target.value, { coalesce: `label:${id}` })}
        />
      </FieldShell>
      <FieldShell pointer="/description" label="Description" inputId={descriptionId}>
        <textarea
          id={descriptionId}
          className="inspector-input"
          rows={2}
          value={node.description ?? ''}
          placeholder="What this step is for (optional)"
          aria-describedby={describedBy(descriptionId, false, descriptionProblems.length > 0)}
          onChange={(e) => store.getState().setNodeDescription(id, e.target.value, { coalesce: `description:${id}` })}
        />
      </FieldShell>

      {def && schema ? (
        <section className="inspector-section" aria-label="Settings">
          <h3>Settings</h3>
          <ObjectFields schema={schema} value={node.config} pointer="/config" />
        </section>
      ) : (
        <p className="inspector-problem is-error" role="alert">
          This version of Sluice does not know node type “{node.type}” version {node.version}, so its settings cannot be shown. They are kept
          as they are in the file.
        </p>
      )}

      <section className="inspector-section" aria-label="On errors">
        <ErrorPolicyFields value={node.errors} inherited={flowErrors} nodeId={id} />
      </section>

      {def ? <NodeDocs def={def} /> : null}
    </FormScopeProvider>
  );
}
