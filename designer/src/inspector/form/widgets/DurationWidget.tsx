import { durationPattern } from '../../../../../shared/flow/document';
import { LocalProblem } from '../FieldShell';
import { useDraft } from '../use-draft';
import { joinIds, type WidgetProps } from './types';

export function durationProblem(text: string): string | undefined {
  if (text === '' || durationPattern.test(text)) return undefined;
  if (/^\d+$/.test(text)) return 'Add a unit: ms, s, m or h (e.g. 500ms).';
  return 'Use a whole number and a unit: ms, s, m or h, e.g. 500ms, 30s or 5m.';
}

/**
 * A duration such as `500ms`. A text that does not have that shape is refused here with the
 * reason (and not written); an empty field removes the key.
 */
export function DurationWidget({ id, schema, value, required, describedBy, invalid, onChange }: WidgetProps) {
  const draft = useDraft(typeof value === 'string' ? value : value === undefined ? '' : String(value));
  const problem = durationProblem(draft.text.trim());
  return (
    <>
      <div className="inspector-duration">
        <input
          id={id}
          type="text"
          className="inspector-input"
          value={draft.text}
          placeholder={typeof schema.default === 'string' ? schema.default : 'e.g. 500ms'}
          aria-required={required || undefined}
          aria-invalid={invalid || problem ? true : undefined}
          aria-describedby={joinIds(describedBy, `${id}-hint`, problem && `${id}-local`)}
          spellCheck={false}
          onChange={(e) => {
            const text = e.target.value.trim();
            draft.setText(e.target.value);
            if (durationProblem(text)) return;
            draft.committed(text);
            onChange(text === '' ? undefined : text);
          }}
        />
        <span className="inspector-hint" id={`${id}-hint`}>
          e.g. 500ms
        </span>
      </div>
      <LocalProblem id={`${id}-local`} text={problem} />
    </>
  );
}
