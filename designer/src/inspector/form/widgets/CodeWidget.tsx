import { CodeEditor } from '../../../code/CodeEditor';
import { isPlainObject, type JsonSchema } from '../json-schema';
import { LocalProblem } from '../FieldShell';
import { useDraft } from '../use-draft';
import type { WidgetProps } from './types';

type Shape = 'object' | 'array' | 'text' | 'any';

function shapeOf(schema: JsonSchema): Shape {
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (t === 'object') return 'object';
  if (t === 'array') return 'array';
  if (t === 'string') return 'text';
  return 'any';
}

function render(value: unknown, shape: Shape): string {
  if (value === undefined) return '';
  if (shape === 'text' && typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/** The value `text` stands for, or why it cannot be stored in this field. */
export function parseCode(text: string, shape: Shape): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (shape === 'text') return { ok: true, value: text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `Not valid JSON yet: ${(err as Error).message}. Your text is kept but not saved until it is fixed.` };
  }
  if (shape === 'object' && !isPlainObject(value)) return { ok: false, problem: 'This must be a JSON object, in braces: { … }. Your text is kept but not saved until it is fixed.' };
  if (shape === 'array' && !Array.isArray(value)) return { ok: false, problem: 'This must be a JSON list, in brackets: [ … ]. Your text is kept but not saved until it is fixed.' };
  return { ok: true, value };
}

/**
 * Code (JSON, Avro schemas, text). Object-valued fields are edited as JSON text that is written
 * only once it parses to the right shape; until then the text stays and the reason is shown.
 */
export function CodeWidget({ id, schema, value, label, onChange }: WidgetProps) {
  const shape = shapeOf(schema);
  const language = schema['x-language'] ?? (shape === 'text' ? 'text' : 'json');
  const draft = useDraft(render(value, shape));
  const parsed = draft.text.trim() === '' ? undefined : parseCode(draft.text, shape);
  return (
    <>
      <CodeEditor
        value={draft.text}
        language={language}
        label={label}
        inputId={id}
        height={160}
        onChange={(text) => {
          draft.setText(text);
          if (text.trim() === '') {
            draft.committed('');
            onChange(undefined);
            return;
          }
          const r = parseCode(text, shape);
          if (!r.ok) return;
          draft.committed(render(r.value, shape));
          onChange(r.value);
        }}
      />
      <LocalProblem id={`${id}-local`} text={parsed && !parsed.ok ? parsed.problem : undefined} />
    </>
  );
}
