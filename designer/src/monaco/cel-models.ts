import type { AvailableField } from '../../../shared/expr/schema-types';

/**
 * What the CEL completion provider needs to know about an editor's model: the node its
 * expression belongs to and the fields available there. Monaco registers one provider for the
 * language, so each expression editor files its model here, keyed by the model's URI.
 */
export interface CelModelContext {
  nodeId: string;
  /** Read at completion time, so it always reflects the current document. */
  fields(): readonly AvailableField[];
}

const contexts = new Map<string, CelModelContext>();

/** Files a model's context; returns the function that removes it again. */
export function bindCelModel(uri: string, context: CelModelContext): () => void {
  contexts.set(uri, context);
  return () => {
    if (contexts.get(uri) === context) contexts.delete(uri);
  };
}

export function celModelContext(uri: string): CelModelContext | undefined {
  return contexts.get(uri);
}
