import type { CodeEditorProps } from '../../../../designer/src/code/CodeEditor';
import type { ConditionBuilderProps } from '../../../../designer/src/expr/ConditionBuilder';
import type { ExpressionEditorProps } from '../../../../designer/src/expr/ExpressionEditor';

/**
 * Stand-ins with the editors' agreed props, so the form's tests do not depend on Monaco running
 * in jsdom: what is tested here is what the form hands the editors and does with their output.
 */
export function ExpressionEditor({ value, onChange, label, inputId, resultType, pointer }: ExpressionEditorProps) {
  return <textarea id={inputId} aria-label={label} data-result-type={resultType} data-editor-pointer={pointer} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export function CodeEditor({ value, onChange, label, inputId, language }: CodeEditorProps) {
  return <textarea id={inputId} aria-label={label} data-language={language} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export function ConditionBuilder({ value, nodeId }: ConditionBuilderProps) {
  return <div data-testid="condition-builder" data-node={nodeId} data-value={value} />;
}
