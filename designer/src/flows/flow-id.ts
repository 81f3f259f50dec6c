import { SLUG_PATTERN } from '../../../shared/flow/document';

/**
 * Why `id` cannot name a new flow file, or undefined when it can. Ids are file names
 * (`<id>.flow.json`), so they follow the slug rule and must be free.
 */
export function flowIdProblem(id: string, taken: Iterable<string>): string | undefined {
  if (id === '') return 'Give the flow an id.';
  if (!SLUG_PATTERN.test(id)) {
    return 'An id starts with a lowercase letter and uses only lowercase letters, digits and dashes (at most 63 characters), for example "orders-by-region".';
  }
  for (const t of taken) if (t === id) return `A flow with the id "${id}" already exists. Choose another id.`;
  return undefined;
}
