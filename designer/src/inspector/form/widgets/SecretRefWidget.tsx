import { useState } from 'react';
import { SECRET_REF_PATTERN } from '../../../../../shared/node-kit/hints';
import { LocalProblem } from '../FieldShell';
import { useDraft } from '../use-draft';
import { joinIds, type WidgetProps } from './types';

type Kind = 'secret' | 'env';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Why a typed name cannot be used. Never repeats what was typed: it may be the secret itself. */
export function secretNameProblem(text: string): string | undefined {
  const t = text.trim();
  if (t === '' || NAME.test(t) || SECRET_REF_PATTERN.test(t)) return undefined;
  return 'That is not a name. Type the name of the secret or variable (letters, digits, _ . and -, starting with a letter or _), never the secret itself: a value typed here would be stored in the flow file for anyone to read.';
}

/**
 * A secret is only ever a reference, `${secret:NAME}` or `${env:NAME}`: a kind and a name make
 * the reference, a literal is refused, and a literal already in the file is never displayed.
 */
export function SecretRefWidget({ id, value, label, required, describedBy, invalid, onChange }: WidgetProps) {
  const stored = typeof value === 'string' ? value : undefined;
  const ref = stored !== undefined ? SECRET_REF_PATTERN.exec(stored) : null;
  const literal = stored !== undefined && stored !== '' && !ref;
  const [kind, setKind] = useState<Kind>((ref?.[1] as Kind | undefined) ?? 'secret');
  const draft = useDraft(ref?.[2] ?? '');
  const problem = secretNameProblem(draft.text);
  const shownKind: Kind = (ref?.[1] as Kind | undefined) ?? kind;

  const write = (k: Kind, name: string) => {
    const t = name.trim();
    if (t === '') {
      draft.committed('');
      onChange(undefined);
      return;
    }
    const pasted = SECRET_REF_PATTERN.exec(t);
    if (pasted) {
      setKind(pasted[1] as Kind);
      draft.setText(pasted[2] as string);
      draft.committed(pasted[2] as string);
      onChange(t);
      return;
    }
    if (!NAME.test(t)) {
      // What was stored a keystroke ago is a prefix of the refused text: it must not stay behind.
      if (ref) {
        draft.committed('');
        onChange(undefined);
      }
      return;
    }
    draft.committed(t);
    onChange(`\${${k}:${t}}`);
  };

  return (
    <>
      {literal ? (
        <p className="inspector-problem is-warning" role="status" id={`${id}-literal`}>
          This field holds a value typed straight into the flow file (not shown here). Choose where the secret is kept and type its
          name to replace it.
        </p>
      ) : null}
      <div className="inspector-secret">
        <select
          aria-label={`${label}: kept in`}
          className="inspector-input"
          value={shownKind}
          onChange={(e) => {
            const k = e.target.value as Kind;
            setKind(k);
            if (!secretNameProblem(draft.text) && draft.text.trim() !== '' && !SECRET_REF_PATTERN.test(draft.text.trim())) write(k, draft.text);
          }}
        >
          <option value="secret">Secret store</option>
          <option value="env">Environment variable</option>
        </select>
        <input
          id={id}
          type="text"
          className="inspector-input"
          value={draft.text}
          placeholder={shownKind === 'secret' ? 'e.g. KAFKA_PASSWORD' : 'e.g. MQ_USER'}
          autoComplete="off"
          spellCheck={false}
          aria-required={required || undefined}
          aria-invalid={invalid || problem ? true : undefined}
          aria-describedby={joinIds(describedBy, literal && `${id}-literal`, problem && `${id}-local`, `${id}-ref`)}
          onChange={(e) => {
            draft.setText(e.target.value);
            write(shownKind, e.target.value);
          }}
        />
      </div>
      <p className="inspector-hint" id={`${id}-ref`}>
        {ref ? (
          <>
            Stored as <code>{stored}</code>
          </>
        ) : (
          'Stored as a reference; the value itself stays out of the flow.'
        )}
      </p>
      <LocalProblem id={`${id}-local`} text={problem} />
    </>
  );
}
