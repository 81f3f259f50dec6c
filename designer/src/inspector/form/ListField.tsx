import { useEffect, useRef, useState } from 'react';
import { ArrowDown, ArrowUp, Plus, X } from 'lucide-react';
import { choicesOf, newItem, singular, unwrap, widgetOf, type FieldSpec } from './json-schema';
import { FieldShell } from './FieldShell';
import { useFormScope } from './form-scope';
import { appendPointer } from './pointer';
import { SchemaField } from './SchemaField';
import { ObjectFieldset } from './ObjectFields';
import { deepestFieldFor, focusTargetIn } from '../focus';

interface ListProps {
  spec: FieldSpec;
  value: unknown;
  id: string;
}

/**
 * A list of values or of objects: add, remove, move up and down. The whole list is written on
 * each change; an optional list that becomes empty is removed from the config.
 */
export function ListField({ spec, value, id }: ListProps) {
  const scope = useFormScope();
  const items = Array.isArray(value) ? value : [];
  const itemSchema = unwrap(spec.schema.items ?? {});
  const objects = widgetOf(itemSchema) === 'object';
  const itemLabel = itemSchema.title ?? singular(spec.label);
  const listRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState<number | undefined>(undefined);

  const write = (next: unknown[]) => scope.commit(spec.pointer, next.length === 0 && !spec.required ? undefined : next, 'step');
  const move = (from: number, to: number) => {
    const next = [...items];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    write(next);
  };

  // A new item gets the caret, so adding and typing is one motion.
  useEffect(() => {
    if (focusIndex === undefined || !listRef.current) return;
    const field = deepestFieldFor(listRef.current, appendPointer(spec.pointer, focusIndex));
    if (field) focusTargetIn(field)?.focus();
    setFocusIndex(undefined);
  }, [focusIndex, spec.pointer]);

  return (
    <FieldShell group pointer={spec.pointer} label={spec.label} inputId={id} description={spec.schema.description} required={spec.required} className="is-list">
      <div className="inspector-list" ref={listRef}>
        {items.length === 0 ? <p className="inspector-empty">None yet.</p> : null}
        {items.map((item, i) => {
          const name = `${itemLabel} ${i + 1}`;
          const actions = (
            <>
              <button type="button" className="inspector-icon-button" aria-label={`Move ${name} up`} title="Move up" disabled={i === 0} onClick={() => move(i, i - 1)}>
                <ArrowUp size={14} aria-hidden="true" />
              </button>
              <button
                type="button"
                className="inspector-icon-button"
                aria-label={`Move ${name} down`}
                title="Move down"
                disabled={i === items.length - 1}
                onClick={() => move(i, i + 1)}
              >
                <ArrowDown size={14} aria-hidden="true" />
              </button>
              <button type="button" className="inspector-icon-button" aria-label={`Remove ${name}`} title="Remove" onClick={() => write(items.filter((_, j) => j !== i))}>
                <X size={14} aria-hidden="true" />
              </button>
            </>
          );
          const itemSpec: FieldSpec = {
            name: String(i),
            pointer: appendPointer(spec.pointer, i),
            schema: { ...itemSchema, title: undefined, description: objects ? undefined : itemSchema.description },
            // An object item is there or not; only a value item can be left empty.
            required: !objects,
            advanced: false,
            label: name,
            inList: true,
          };
          return objects ? (
            <ObjectFieldset key={i} spec={itemSpec} value={item} id={`${id}-${i}`} actions={actions} />
          ) : (
            <SchemaField key={i} spec={itemSpec} value={item} actions={actions} labelHidden />
          );
        })}
      </div>
      <button
        type="button"
        className="inspector-add"
        onClick={() => {
          write([...items, newItem(itemSchema)]);
          setFocusIndex(items.length);
        }}
      >
        <Plus size={14} aria-hidden="true" /> Add {itemLabel.toLowerCase()}
      </button>
    </FieldShell>
  );
}

/** A list of choices, drawn as one checkbox per choice and written in the choices' order. */
export function ChoiceSetField({ spec, value, id }: ListProps) {
  const scope = useFormScope();
  const items = Array.isArray(value) ? value : [];
  const choices = choicesOf(unwrap(spec.schema.items ?? {})) ?? [];
  const toggle = (choice: unknown, on: boolean) => {
    const next = choices.filter((c) => (c === choice ? on : items.includes(c)));
    scope.commit(spec.pointer, next.length === 0 && !spec.required ? undefined : next, 'step');
  };
  return (
    <FieldShell group pointer={spec.pointer} label={spec.label} inputId={id} description={spec.schema.description} required={spec.required} className="is-choices">
      <div className="inspector-choices">
        {choices.map((c, i) => (
          <label key={i} className="inspector-choice">
            <input type="checkbox" checked={items.includes(c)} onChange={(e) => toggle(c, e.target.checked)} />
            {typeof c === 'string' ? c : JSON.stringify(c)}
          </label>
        ))}
      </div>
    </FieldShell>
  );
}
