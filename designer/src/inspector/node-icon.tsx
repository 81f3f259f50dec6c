import { iconFor } from '../canvas/icons';

/** The node type's icon, from the one icon map the canvas and palette use. */
export function NodeIcon({ name, size = 20 }: { name: string; size?: number }) {
  const Icon = iconFor(name);
  return <Icon size={size} aria-hidden="true" />;
}
