import { useState } from 'react';
import { ConditionBuilder } from '../../../expr/ConditionBuilder';
import { ExpressionEditor } from '../../../expr/ExpressionEditor';
import { useFormScope } from '../form-scope';
import type { WidgetProps } from './types';

/** The one field that also gets the point-and-click condition builder. */
function hasBuilder(nodeType: string | undefined, pointer: string): boolean {
  return nodeType === 'core.filter' && pointer === '/config/when';
}

/** A CEL expression, checked as it is typed by the expression editor against the fields arriving here. */
export function ExpressionWidget({ id, pointer, schema, value, label, onChange, describedBy, invalid }: WidgetProps) {
  const scope = useFormScope();
  const text = typeof value === 'string' ? value : '';
  const write = (v: string) => onChange(v === '' ? undefined : v);
  const [mode, setMode] = useState<'builder' | 'expression'>('builder');
  const editor = (
    <ExpressionEditor
      nodeId={scope.nodeId ?? ''}
      pointer={pointer}
      value={text}
      onChange={write}
      resultType={schema['x-expr-type'] ?? 'any'}
      label={label}
      inputId={id}
      // The field shows the validator's message for this expression; the editor only underlines it.
      showMessage={false}
      describedBy={describedBy}
      invalid={invalid}
    />
  );
  if (!hasBuilder(scope.nodeType, pointer) || !scope.nodeId) return editor;
  return (
    <div className="inspector-condition">
      <div className="inspector-toggle" role="group" aria-label={`${label}: how to edit`}>
        <button type="button" aria-pressed={mode === 'builder'} onClick={() => setMode('builder')}>
          Builder
        </button>
        <button type="button" aria-pressed={mode === 'expression'} onClick={() => setMode('expression')}>
          Expression
        </button>
      </div>
      {mode === 'builder' ? <ConditionBuilder nodeId={scope.nodeId} value={text} onChange={write} /> : null}
      {editor}
    </div>
  );
}
