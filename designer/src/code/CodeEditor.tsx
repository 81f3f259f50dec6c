/** Placeholder until the Monaco code editor lands: a plain text area with the same props. */
export interface CodeEditorProps {
  value: string;
  onChange(value: string): void;
  language: 'json' | 'avro' | 'text';
  label: string;
  height?: number;
  inputId?: string;
}

export function CodeEditor({ value, onChange, label, inputId }: CodeEditorProps) {
  return <textarea id={inputId} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} rows={8} />;
}
