/** Placeholder until the condition builder lands. */
export interface ConditionBuilderProps {
  nodeId: string;
  value: string;
  onChange(value: string): void;
}

export function ConditionBuilder(_props: ConditionBuilderProps) {
  return null;
}
