import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import { fieldsOf, isChoiceList, isPlainObject, schemaOf, unwrap, widgetOf, type JsonSchema } from './form/json-schema';

function refersTo(schema: JsonSchema, value: unknown, id: string): boolean {
  const obj = isPlainObject(value) ? value : {};
  return fieldsOf(schema, '').some((f) => {
    const v = obj[f.name];
    switch (widgetOf(f.schema)) {
      case 'resource-ref':
        return v === id;
      case 'object':
        return refersTo(f.schema, v, id);
      case 'list': {
        if (!Array.isArray(v) || !f.schema.items || isChoiceList(f.schema)) return false;
        const items = unwrap(f.schema.items);
        const kind = widgetOf(items);
        return v.some((item) => (kind === 'resource-ref' ? item === id : kind === 'object' && refersTo(items, item, id)));
      }
      default:
        return false;
    }
  });
}

/** Nodes and resources whose resource fields name `id`: who breaks when it is removed. */
export function resourceUsers(registry: Registry, doc: FlowDocument, id: string): Array<{ id: string; label: string }> {
  const out: Array<{ id: string; label: string }> = [];
  for (const [nid, n] of Object.entries(doc.nodes)) {
    const def = registry.node(n.type, n.version);
    if (def && refersTo(schemaOf(def), n.config, id)) out.push({ id: nid, label: n.label || nid });
  }
  for (const [rid, r] of Object.entries(doc.resources ?? {})) {
    const def = registry.resource(r.type, r.version);
    if (rid !== id && def && refersTo(schemaOf(def), r.config, id)) out.push({ id: rid, label: r.label || rid });
  }
  return out;
}
