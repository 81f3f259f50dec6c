import { parsePath } from '../../../schema/record-schema';

/**
 * Plain dotted field paths (no `[*]`) for the field an enricher writes into and the fields its
 * templates read from.
 */
export function fieldSteps(path: string): string[] {
  const steps = parsePath(path);
  if (steps.includes('*')) throw new Error(`"${path}" names every element of a list; name one field instead`);
  return steps;
}

/**
 * Freezes a value shared by many records (a table row, a cached answer), so that a node breaking
 * the copy-on-write rule fails loudly instead of changing what later records receive.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
