import type { FlowDocument } from '../../../shared/flow/document';
import type { AvroRecord } from '../../../shared/schema/record-schema';

/** An order with personal fields (PII) in a nested record, card numbers (PCI) in a list and phones in a map of records. */
export const ORDER: AvroRecord = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
    {
      name: 'customer',
      type: {
        type: 'record',
        name: 'Customer',
        fields: [
          { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
          { name: 'country', type: 'string' },
        ],
      },
    },
    {
      name: 'items',
      type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'card', type: 'string', 'confluent:tags': ['PCI'] }] } },
    },
    {
      name: 'contacts',
      type: { type: 'map', values: { type: 'record', name: 'Contact', fields: [{ name: 'phone', type: 'string', 'confluent:tags': ['PII'] }] } },
    },
  ],
};

export const CONNECTIONS: NonNullable<FlowDocument['resources']> = {
  'eu-kafka': { type: 'kafka.connection', version: 1, config: { brokers: 'eu:9092', zone: 'eu' } },
  'eu-backup': { type: 'kafka.connection', version: 1, config: { brokers: 'eu2:9092', zone: 'eu' } },
  'us-kafka': { type: 'kafka.connection', version: 1, config: { brokers: 'us:9092', zone: 'us' } },
};

type Nodes = FlowDocument['nodes'];

/** A Kafka source in the EU reading orders of `schema` (null: no schema). */
export function source(schema: AvroRecord | null = ORDER, connection = 'eu-kafka'): Nodes[string] {
  return { type: 'kafka.consume', version: 1, config: { connection, topics: ['orders'], group: 'g', ...(schema ? { schema } : {}) } };
}

export function sink(connection: string, topic = 'out'): Nodes[string] {
  return { type: 'kafka.produce', version: 1, config: { connection, topic } };
}

export function redact(config: Record<string, unknown>): Nodes[string] {
  return { type: 'redact.fields', version: 1, config: { key: '${secret:k}', ...config } };
}

/** A flow from nodes and `from>to` edge strings (`a>b` is `a:out → b:in`; ports may be given). */
export function flow(nodes: Nodes, edges: string[], extra: Partial<FlowDocument> = {}): FlowDocument {
  return {
    format: 1,
    id: 'f',
    resources: CONNECTIONS,
    nodes,
    edges: edges.map((e) => {
      const [from, to] = e.split('>') as [string, string];
      return { from: from.includes(':') ? from : `${from}:out`, to: to.includes(':') ? to : `${to}:in` };
    }),
    ...extra,
  };
}
