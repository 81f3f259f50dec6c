import { boundsOf, isMeaningfulBound, type JsonSchema } from '../json-schema';
import { LocalProblem } from '../FieldShell';
import { useDraft } from '../use-draft';
import { joinIds, placeholderOf, type WidgetProps } from './types';

/** Why `text` cannot be stored in a field of this schema, or undefined when it can. */
export function numberProblem(schema: JsonSchema, text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return 'Type a number, e.g. 10.';
  const integer = schema.type === 'integer';
  if (integer && !Number.isInteger(n)) return 'Use a whole number.';
  const b = boundsOf(schema);
  if (isMeaningfulBound(b.min) && n < b.min) return `Use a number of at least ${b.min}.`;
  if (isMeaningfulBound(b.max) && n > b.max) return `Use a number of at most ${b.max}.`;
  if (b.exclusiveMin !== undefined && n <= b.exclusiveMin) return `Use a number greater than ${b.exclusiveMin}.`;
  if (b.exclusiveMax !== undefined && n >= b.exclusiveMax) return `Use a number less than ${b.exclusiveMax}.`;
  return undefined;
}

/** "Between 1 and 1000" for the help line, when the bounds mean something to a person. */
export function rangeHint(schema: JsonSchema): string | undefined {
  const b = boundsOf(schema);
  const lo = isMeaningfulBound(b.min) ? b.min : undefined;
  const hi = isMeaningfulBound(b.max) ? b.max : undefined;
  if (lo !== undefined && hi !== undefined) return `Between ${lo} and ${hi}.`;
  if (lo !== undefined) return `At least ${lo}.`;
  if (hi !== undefined) return `At most ${hi}.`;
  if (b.exclusiveMin !== undefined) return `More than ${b.exclusiveMin}.`;
  return undefined;
}

/**
 * Numbers keep the typed text locally: a value out of range or not a number is refused with the
 * reason and never reaches the document; an empty field removes the key.
 */
export function NumberWidget({ id, schema, value, required, describedBy, invalid, onChange }: WidgetProps) {
  const external = value === undefined || value === null ? '' : String(value);
  const draft = useDraft(external);
  const problem = numberProblem(schema, draft.text);
  const b = boundsOf(schema);
  const hint = rangeHint(schema);
  return (
    <>
      <input
        id={id}
        type="number"
        inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
        className="inspector-input inspector-number"
        value={draft.text}
        placeholder={placeholderOf(schema)}
        min={isMeaningfulBound(b.min) ? b.min : undefined}
        max={isMeaningfulBound(b.max) ? b.max : undefined}
        step={schema.type === 'integer' ? 1 : 'any'}
        aria-required={required || undefined}
        aria-invalid={invalid || problem ? true : undefined}
        aria-describedby={joinIds(describedBy, hint && `${id}-range`, problem && `${id}-local`)}
        onChange={(e) => {
          const text = e.target.value;
          draft.setText(text);
          if (text.trim() === '') {
            draft.committed('');
            onChange(undefined);
            return;
          }
          if (numberProblem(schema, text)) return;
          const n = Number(text);
          draft.committed(String(n));
          onChange(n);
        }}
      />
      {hint ? (
        <span className="inspector-hint" id={`${id}-range`}>
          {hint}
        </span>
      ) : null}
      <LocalProblem id={`${id}-local`} text={problem} />
    </>
  );
}
