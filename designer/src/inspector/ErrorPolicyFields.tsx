import { useId, useMemo } from 'react';
import type { ErrorPolicy } from '../../../shared/flow/document';
import { useDesigner, useFlowState } from '../context';
import { FieldShell, describedBy } from './form/FieldShell';
import { useFieldDiagnostics, useFormScope } from './form/form-scope';
import type { FieldSpec, JsonSchema } from './form/json-schema';
import { SchemaField } from './form/SchemaField';

/** Where the error-policy fields sit, relative to the node or to the document (same shape). */
export const ERROR_POINTERS = ['/errors', '/errors/retry', '/errors/retry/attempts', '/errors/retry/backoff', '/errors/retry/maxBackoff', '/errors/deadLetter'];

/** What the runtime uses when neither the node nor the flow says (runtime/compiler/compile.ts). */
const RUNTIME_RETRY = { attempts: 3, backoff: '100ms', maxBackoff: '5s' };

function spec(name: string, label: string, schema: JsonSchema): FieldSpec {
  return { name, pointer: `/errors/retry/${name}`, schema, required: false, advanced: false, label };
}

/**
 * Retry and dead-letter settings, for one node (`nodeId`) or for the whole flow. Must be drawn
 * inside a form scope whose `commit` writes `/errors/…` pointers. Empty fields fall back to the
 * flow's policy (for a node) and then to the runtime's defaults; the placeholders say which.
 */
export function ErrorPolicyFields({ value, inherited, nodeId }: { value: ErrorPolicy | undefined; inherited?: ErrorPolicy; nodeId?: string }) {
  const id = useId();
  const attempts = inherited?.retry?.attempts ?? RUNTIME_RETRY.attempts;
  const backoff = inherited?.retry?.backoff ?? RUNTIME_RETRY.backoff;
  const maxBackoff = inherited?.retry?.maxBackoff ?? RUNTIME_RETRY.maxBackoff;
  const retry = value?.retry;
  return (
    <FieldShell
      group
      pointer="/errors"
      label="On errors"
      inputId={`${id}-errors`}
      description={
        nodeId
          ? 'When this node fails on a record it is retried, then sent to the dead-letter node. Empty fields use the flow’s settings.'
          : 'For every node that does not say otherwise: failed records are retried, then sent to the dead-letter node. Without one, a failure stops the flow, so no record is lost silently.'
      }
      className="inspector-errors"
    >
      <FieldShell group pointer="/errors/retry" label="Retry" inputId={`${id}-retry`}>
        <SchemaField
          spec={spec('attempts', 'Retry attempts', {
            type: 'integer',
            minimum: 0,
            maximum: 100,
            default: attempts,
            description: 'Retries after the first failure before the record is dead-lettered.',
          })}
          value={retry?.attempts}
        />
        <SchemaField
          spec={spec('backoff', 'First wait', { type: 'string', 'x-widget': 'duration', default: backoff, description: 'Wait before the first retry; it doubles with each attempt.' })}
          value={retry?.backoff}
        />
        <SchemaField
          spec={spec('maxBackoff', 'Longest wait', { type: 'string', 'x-widget': 'duration', default: maxBackoff, description: 'The wait between retries never grows past this.' })}
          value={retry?.maxBackoff}
        />
      </FieldShell>
      <DeadLetterField value={value?.deadLetter} inherited={inherited?.deadLetter} nodeId={nodeId} />
    </FieldShell>
  );
}

function DeadLetterField({ value, inherited, nodeId }: { value: string | undefined; inherited?: string; nodeId?: string }) {
  const { registry } = useDesigner();
  const { commit } = useFormScope();
  const id = useId();
  const problems = useFieldDiagnostics('/errors/deadLetter');
  const joined = useFlowState((s) =>
    Object.entries(s.doc.nodes)
      .filter(([nid, n]) => nid !== nodeId && registry.node(n.type, n.version)?.category === 'sink')
      .map(([nid, n]) => `${nid}\t${n.label ?? ''}`)
      .join('\n'),
  );
  const sinks = useMemo(() => (joined ? joined.split('\n').map((l) => l.split('\t') as [string, string]) : []), [joined]);
  const current = value ?? '';
  const known = sinks.some(([sid]) => sid === current);
  const fallback = nodeId ? `Same as the flow (${inherited ?? 'none'})` : 'None: a failure stops the flow';
  return (
    <FieldShell
      pointer="/errors/deadLetter"
      label="Dead-letter node"
      inputId={id}
      description="The sink (usually a Dead letters node) that receives records which still fail after the retries."
    >
      <select
        id={id}
        className="inspector-input"
        value={current}
        aria-invalid={problems.some((d) => d.severity === 'error') || undefined}
        aria-describedby={describedBy(id, true, problems.length > 0)}
        onChange={(e) => commit('/errors/deadLetter', e.target.value === '' ? undefined : e.target.value, 'step')}
      >
        <option value="">{fallback}</option>
        {current && !known ? <option value={current}>{`${current} (not a sink in this flow)`}</option> : null}
        {sinks.map(([sid, label]) => (
          <option key={sid} value={sid}>
            {label && label !== sid ? `${label} (${sid})` : sid}
          </option>
        ))}
      </select>
      {sinks.length === 0 ? <p className="inspector-hint">Add a sink such as “Dead letters” to the flow to choose it here.</p> : null}
    </FieldShell>
  );
}
