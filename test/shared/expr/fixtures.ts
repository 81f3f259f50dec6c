import type { AvroRecord } from '../../../shared/schema/record-schema';

/** An order schema touching every Avro type the expression module maps. */
export const orderSchema = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'weight', type: 'float' },
    { name: 'qty', type: 'int' },
    { name: 'seq', type: 'long' },
    { name: 'paid', type: 'boolean' },
    { name: 'region', type: { type: 'enum', name: 'Region', symbols: ['eu', 'us'] } },
    { name: 'blob', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'placedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'customer',
      type: {
        type: 'record',
        name: 'Customer',
        fields: [
          { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
          { name: 'region', type: 'string' },
          {
            name: 'address',
            type: ['null', { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: 'long' }] }],
          },
        ],
      },
    },
    {
      name: 'items',
      type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'long' }] } },
    },
    { name: 'attrs', type: { type: 'map', values: 'long' } },
    { name: 'note', type: ['null', 'string'] },
    { name: 'mixed', type: ['null', 'string', 'long'] },
    { name: 'first-name', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'billing', type: ['null', 'Address'] },
  ],
} as unknown as AvroRecord;

/** A record that fits orderSchema, as JSON would carry it (integers are plain numbers). */
export function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'o-1',
    total: 1500.5,
    weight: 2.5,
    qty: 5,
    seq: 42,
    paid: true,
    region: 'eu',
    blob: new Uint8Array([1, 2]),
    hash: new Uint8Array([1, 2, 3, 4]),
    placedAt: 1_700_000_000_000,
    customer: { email: 'ann@example.com', region: 'DE', address: { city: 'Berlin', zip: 10115 } },
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 3 },
    ],
    attrs: { gift: 1 },
    note: null,
    mixed: 7,
    'first-name': 'Ann',
    type: 'order',
    billing: null,
    ...overrides,
  };
}
