import { useCallback, useId, useMemo, useRef } from 'react';
import { checkExpression } from '../../../shared/expr/cel';
import { useDesigner, useFlowState } from '../context';
import { MonacoHost, type HostMarker } from '../monaco/MonacoHost';
import { bindCelModel } from '../monaco/cel-models';
import { CEL_LANGUAGE } from '../monaco/cel-language';
import { fieldsAt, inputSchemaAt } from '../schema/fields-at';
import { celMarkers } from './cel-markers';
import './expr.css';

export interface ExpressionEditorProps {
  nodeId: string;
  /** JSON pointer of the config field relative to the node, e.g. `/config/when`. */
  pointer: string;
  value: string;
  /** Called on every edit; the caller coalesces them into one undo entry. */
  onChange(value: string): void;
  /** `bool` for conditions: anything but true/false is reported. */
  resultType: 'bool' | 'any';
  label: string;
  inputId?: string;
  /**
   * False when the surrounding form already shows the validator's message for this field (the
   * inspector does): the problem is still underlined and marked invalid, but not spelled out
   * twice. `describedBy` / `invalid` then come from that form.
   */
  showMessage?: boolean;
  describedBy?: string;
  invalid?: boolean;
}

/**
 * A CEL expression field: type-checked as the analyst types against the records arriving at the
 * node, with the first problem underlined and spelled out below ("… (line 1, column 1)"), and
 * field completions. A plain text area until Monaco has loaded, with the same checks.
 */
export function ExpressionEditor({ nodeId, pointer, value, onChange, resultType, label, inputId, showMessage = true, describedBy, invalid }: ExpressionEditorProps) {
  const { registry, store } = useDesigner();
  const schema = useFlowState((s) => inputSchemaAt(registry, s.doc, nodeId));
  const issues = useMemo(() => (value.trim() ? checkExpression(value, schema, { resultType }) : []), [value, schema, resultType]);
  const markers = useMemo<HostMarker[]>(() => celMarkers(value, issues).map((m) => ({ ...m, severity: 'error' })), [value, issues]);
  const errorId = useId();
  const first = issues[0];

  // Read at completion time, so completions follow the node even if this editor is reused for another.
  const node = useRef(nodeId);
  node.current = nodeId;
  const onModel = useCallback(
    (uri: string) =>
      bindCelModel(uri, {
        get nodeId() {
          return node.current;
        },
        fields: () => fieldsAt(registry, store.getState().doc, node.current),
      }),
    [registry, store],
  );

  return (
    <div className="expr-editor">
      <MonacoHost
        value={value}
        onChange={onChange}
        language={CEL_LANGUAGE}
        label={label}
        inputId={inputId}
        path={`${nodeId}${pointer}.cel`}
        compact
        autoHeight={{ minLines: 1, maxLines: 6 }}
        rows={2}
        markers={markers}
        markerOwner="cel"
        invalid={first !== undefined || invalid === true}
        describedBy={showMessage ? (first ? errorId : undefined) : describedBy}
        dataAttributes={{ 'data-expr-editor': pointer }}
        onModel={onModel}
      />
      {showMessage && first && (
        <p id={errorId} className="expr-error" role="alert">
          {capitalise(first.message)} (line {first.line}, column {first.column})
        </p>
      )}
    </div>
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
