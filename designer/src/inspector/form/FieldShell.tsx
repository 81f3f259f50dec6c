import type { ReactNode } from 'react';
import { testIds } from '../../testids';
import type { Diagnostic } from '../../../../shared/validate/diagnostic';
import { useFieldDiagnostics } from './form-scope';

/** The ids a control points its `aria-describedby` at: help text and the field's problems. */
export function describedBy(inputId: string, hasHelp: boolean, hasProblems: boolean, extra?: string): string | undefined {
  const ids = [hasHelp ? `${inputId}-help` : '', hasProblems ? `${inputId}-problems` : '', extra ?? ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export interface ShellProps {
  /** Field pointer, e.g. `/config/when`: the problems panel and the end-to-end tests find it by this. */
  pointer: string;
  label: string;
  inputId: string;
  description?: string;
  required?: boolean;
  /** Drawn as a fieldset whose legend is the label (lists, nested objects, key/value tables). */
  group?: boolean;
  /** Checkbox first, then its label. */
  inline?: boolean;
  /** Diagnostics to show instead of those the form placed on `pointer` (sections outside a form). */
  problems?: Diagnostic[];
  /** The label stays for screen readers but is not drawn (list items: the list's legend says it). */
  labelHidden?: boolean;
  /** Buttons next to the control, e.g. move and remove on a list item. */
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** One field: label, required marker, help text, the control, and the validator's problems under it. */
export function FieldShell(p: ShellProps) {
  const placed = useFieldDiagnostics(p.pointer);
  const problems = p.problems ?? placed;
  const classes = ['inspector-field', p.group ? 'inspector-group' : '', p.inline ? 'inspector-inline' : '', problems.some((d) => d.severity === 'error') ? 'has-error' : '', p.className ?? '']
    .filter(Boolean)
    .join(' ');
  const common = { 'data-testid': testIds.field(p.pointer), 'data-pointer': p.pointer, 'data-input-id': p.inputId, className: classes };
  const help = p.description ? <FieldHelp id={`${p.inputId}-help`} text={p.description} /> : null;
  const list = <Problems id={`${p.inputId}-problems`} problems={problems} />;
  const marker = p.required ? (
    <span className="inspector-required" aria-hidden="true" title="Required">
      *
    </span>
  ) : null;

  if (p.group) {
    return (
      <fieldset {...common} aria-labelledby={`${p.inputId}-legend`} aria-describedby={describedBy(p.inputId, !!p.description, problems.length > 0)}>
        <legend className={p.actions ? 'inspector-legend-with-actions' : undefined}>
          <span id={`${p.inputId}-legend`}>{p.label}</span>
          {marker}
          {p.actions ? <span className="inspector-item-actions">{p.actions}</span> : null}
        </legend>
        {help}
        {p.children}
        {list}
      </fieldset>
    );
  }
  if (p.inline) {
    return (
      <div {...common}>
        <div className="inspector-inline-row">
          {p.children}
          <label htmlFor={p.inputId}>{p.label}</label>
          {marker}
        </div>
        {help}
        {list}
      </div>
    );
  }
  return (
    <div {...common}>
      <div className={p.labelHidden ? 'inspector-sr-only' : 'inspector-label-row'}>
        <label htmlFor={p.inputId}>{p.label}</label>
        {marker}
      </div>
      {help}
      {p.actions ? (
        <div className="inspector-control-row">
          <div className="inspector-control">{p.children}</div>
          <div className="inspector-item-actions">{p.actions}</div>
        </div>
      ) : (
        p.children
      )}
      {list}
    </div>
  );
}

/** Descriptions use `backticks` for values; shown as code, everything else as plain text. */
export function FieldHelp({ id, text }: { id: string; text: string }) {
  const parts = text.split(/(`[^`]+`)/g);
  return (
    <p className="inspector-help" id={id}>
      {parts.map((part, i) => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? <code key={i}>{part.slice(1, -1)}</code> : part))}
    </p>
  );
}

export function Problems({ id, problems }: { id?: string; problems: readonly Diagnostic[] }) {
  if (!problems.length) return null;
  return (
    <ul className="inspector-problems" id={id}>
      {problems.map((d, i) => (
        <li key={`${d.code}-${i}`} className={`inspector-problem is-${d.severity}`} role={d.severity === 'error' ? 'alert' : 'status'}>
          {d.message}
        </li>
      ))}
    </ul>
  );
}

/** A problem the form itself found (a refused value), shown like the validator's. */
export function LocalProblem({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="inspector-problem is-error is-local" id={id} role="alert">
      {text}
    </p>
  );
}
