import { useId, type ReactNode } from 'react';
import { isChoiceList, newItem, widgetOf, type FieldSpec, type WidgetKind } from './json-schema';
import { FieldShell, describedBy } from './FieldShell';
import { useFieldDiagnostics, useFormScope } from './form-scope';
import { ObjectFieldset } from './ObjectFields';
import { ChoiceSetField, ListField } from './ListField';
import { KeyValueField } from './KeyValueField';
import type { WidgetProps } from './widgets/types';
import { TextWidget } from './widgets/TextWidget';
import { NumberWidget } from './widgets/NumberWidget';
import { SelectWidget } from './widgets/SelectWidget';
import { BooleanWidget } from './widgets/BooleanWidget';
import { DurationWidget } from './widgets/DurationWidget';
import { SecretRefWidget } from './widgets/SecretRefWidget';
import { ResourceRefWidget } from './widgets/ResourceRefWidget';
import { ExpressionWidget } from './widgets/ExpressionWidget';
import { FieldPathWidget } from './widgets/FieldPathWidget';
import { CodeWidget } from './widgets/CodeWidget';

export interface SchemaFieldProps {
  spec: FieldSpec;
  value: unknown;
  /** Buttons next to the control (list items: move, remove). */
  actions?: ReactNode;
  /** List items: the list's legend already says what they are. */
  labelHidden?: boolean;
}

function control(kind: WidgetKind, p: WidgetProps): ReactNode {
  switch (kind) {
    case 'number':
      return <NumberWidget {...p} />;
    case 'select':
      return <SelectWidget {...p} />;
    case 'boolean':
      return <BooleanWidget {...p} />;
    case 'duration':
      return <DurationWidget {...p} />;
    case 'secret-ref':
      return <SecretRefWidget {...p} />;
    case 'resource-ref':
      return <ResourceRefWidget {...p} />;
    case 'expression':
      return <ExpressionWidget {...p} />;
    case 'field':
      return <FieldPathWidget {...p} />;
    case 'code':
    case 'json':
      return <CodeWidget {...p} />;
    default:
      return <TextWidget {...p} />;
  }
}

/** One config property: picks the widget from the schema and its hints, and writes through the form's scope. */
export function SchemaField({ spec, value, actions, labelHidden }: SchemaFieldProps) {
  const scope = useFormScope();
  const id = useId();
  const problems = useFieldDiagnostics(spec.pointer);
  const kind = widgetOf(spec.schema);
  if (kind === 'object') return <ObjectFieldset spec={spec} value={value} id={id} actions={actions} />;
  if (kind === 'list') return isChoiceList(spec.schema) ? <ChoiceSetField spec={spec} value={value} id={id} /> : <ListField spec={spec} value={value} id={id} />;
  if (kind === 'key-value') return <KeyValueField spec={spec} value={value} id={id} />;
  const description = labelHidden ? undefined : spec.schema.description;
  const props: WidgetProps = {
    id,
    pointer: spec.pointer,
    schema: spec.schema,
    value,
    label: spec.label,
    required: spec.required,
    describedBy: describedBy(id, !!description, problems.length > 0),
    invalid: problems.some((d) => d.severity === 'error'),
    onChange: (next, how) => scope.commit(spec.pointer, next === undefined && spec.inList ? newItem(spec.schema) : next, how),
  };
  return (
    <FieldShell
      pointer={spec.pointer}
      label={spec.label}
      inputId={id}
      description={description}
      required={spec.required && !labelHidden}
      inline={kind === 'boolean'}
      labelHidden={labelHidden}
      actions={actions}
      className={`is-${kind}`}
    >
      {control(kind, props)}
    </FieldShell>
  );
}
