/** Placeholder until the Monaco expression editor lands: a plain text area with the same props. */
export interface ExpressionEditorProps {
  nodeId: string;
  pointer: string;
  value: string;
  onChange(value: string): void;
  resultType: 'bool' | 'any';
  label: string;
  inputId?: string;
}

export function ExpressionEditor({ value, onChange, label, inputId }: ExpressionEditorProps) {
  return <textarea id={inputId} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} rows={2} />;
}
