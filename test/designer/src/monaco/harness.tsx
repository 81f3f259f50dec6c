import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { FlowDocument } from '../../../../shared/flow/document';
import { migrateFlow } from '../../../../shared/flow/migrate';
import { FlowDocument as FlowDocumentSchema } from '../../../../shared/flow/document';
import ordersByRegion from '../../../../flows/orders-by-region.flow.json';
import type { AvroRecord } from '../../../../shared/schema/record-schema';
import { DesignerProvider } from '../../../../designer/src/context';
import { registry } from '../../../../designer/src/registry';
import { createFlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';

/** A shipped example flow: `orders` (generator) → `big-orders` (filter `total > 1000.0`) → … */
export function exampleFlow(): FlowDocument {
  return FlowDocumentSchema.parse(migrateFlow(structuredClone(ordersByRegion)).doc);
}

/** Renders `ui` inside a designer context holding `doc`; returns the store to inspect. */
export function renderInDesigner(ui: ReactElement, doc: FlowDocument = exampleFlow()) {
  const store = createFlowStore(registry, doc);
  const runs = createRunStore();
  const result = render(<DesignerProvider value={{ store, runs, registry }}>{ui}</DesignerProvider>);
  return { store, ...result };
}

/** A record schema with every kind of field the builder and the completions deal with. */
export const ORDER_SCHEMA: AvroRecord = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string', doc: 'Order number' },
    { name: 'total', type: 'double' },
    { name: 'qty', type: 'long' },
    { name: 'paid', type: 'boolean' },
    { name: 'region', type: { type: 'enum', name: 'Region', symbols: ['eu', 'us'] } },
    { name: 'note', type: ['null', 'string'] },
    { name: 'first-name', type: 'string' },
    {
      name: 'customer',
      type: {
        type: 'record',
        name: 'Customer',
        fields: [
          { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
          { name: 'country', type: 'string' },
          { name: 'address', type: { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }] } },
        ],
      },
    },
    { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] } } },
  ],
};
