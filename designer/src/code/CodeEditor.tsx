import { MonacoHost } from '../monaco/MonacoHost';

export interface CodeEditorProps {
  value: string;
  onChange(value: string): void;
  /** `avro` is JSON text (an Avro schema), edited as JSON. */
  language: 'json' | 'avro' | 'text';
  label: string;
  /** Height in pixels; 200 by default. */
  height?: number;
  inputId?: string;
}

/**
 * A multi-line code field of a node's form (JSON templates, Avro schemas, text). Monaco when it
 * has loaded, a plain text area before; Tab leaves the editor either way.
 */
export function CodeEditor({ value, onChange, language, label, height = 200, inputId }: CodeEditorProps) {
  const monacoLanguage = language === 'text' ? 'plaintext' : 'json';
  return (
    <MonacoHost
      value={value}
      onChange={onChange}
      language={monacoLanguage}
      label={label}
      inputId={inputId}
      path={`${slug(label)}.${language === 'text' ? 'txt' : 'json'}`}
      height={height}
      rows={Math.max(3, Math.round(height / 20))}
      dataAttributes={{ 'data-code-editor': label }}
    />
  );
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'code';
}
