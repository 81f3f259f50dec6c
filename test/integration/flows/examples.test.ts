import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../shared/flow/document';
import { parseFlowText } from '../../../shared/flow/migrate';
import { DEAD_LETTER_HEADERS } from '../../../shared/node-kit/brokers';
import { registry } from '../../../shared/nodes';
import { compileFlow } from '../../../runtime/compiler/compile';
import { startFlow, type RunningFlow } from '../../../runtime/engine/engine';
import type { ConformanceHarness } from '../conformance/harness';
import { kafkaHarness } from '../conformance/kafka.harness';
import { mqHarness } from '../conformance/mq.harness';
import { natsHarness } from '../conformance/nats.harness';
import { testEnv, uniqueName } from '../env';
import { json, memoryLogger, text } from '../kit';

/**
 * The broker example flows in flows/, end to end against the real brokers: only the topic,
 * queue and subject names are swapped for fresh ones, and the connections' `${env:…}` and
 * `${secret:…}` references are pointed at the test brokers, exactly as an operator would.
 */
const flowsDir = resolve(import.meta.dirname, '../../../flows');

let kafka: ConformanceHarness;
let mq: ConformanceHarness;
let nats: ConformanceHarness;
const running: RunningFlow[] = [];
const logger = memoryLogger();

beforeAll(async () => {
  [kafka, mq, nats] = await Promise.all([kafkaHarness(), mqHarness(), natsHarness()]);
});

afterAll(async () => {
  await Promise.all(running.map((f) => f.stop(15_000)));
  await Promise.all([kafka?.close(), mq?.close(), nats?.close()]);
});

function load(id: string): FlowDocument {
  return parseFlowText(readFileSync(resolve(flowsDir, `${id}.flow.json`), 'utf8'));
}

function rename(doc: FlowDocument, node: string, patch: Record<string, unknown>): void {
  const n = doc.nodes[node];
  if (!n) throw new Error(`flow ${doc.id} has no node ${node}`);
  n.config = { ...n.config, ...patch };
}

function brokerEnv(): Record<string, string> {
  const env = testEnv();
  const amqp = new URL(env.amqp.url);
  const kafkaBrokers = env.kafka.brokers.join(',');
  return {
    KAFKA_BROKERS: kafkaBrokers,
    EU_KAFKA_BROKERS: kafkaBrokers,
    US_KAFKA_BROKERS: kafkaBrokers,
    NATS_SERVERS: env.nats.servers.join(','),
    MQ_URL: `amqp://${amqp.host}`,
    SLUICE_SECRET_MQ_USERNAME: decodeURIComponent(amqp.username),
    SLUICE_SECRET_MQ_PASSWORD: decodeURIComponent(amqp.password),
    SLUICE_SECRET_US_MIRROR_TOKEN_KEY: 'test-key',
  };
}

async function start(doc: FlowDocument): Promise<RunningFlow> {
  const flow = await startFlow(compileFlow(doc, registry), { logger, env: { ...process.env, ...brokerEnv() }, stdout: { writeLine() {} } });
  running.push(flow);
  return flow;
}

describe('example flows against real brokers', () => {
  it('mq-payments-to-kafka bridges the MQ queue to Kafka, with rejected payments and dead letters on their own topics', async () => {
    const doc = load('mq-payments-to-kafka');
    const queue = await mq.createChannel();
    const [payments, rejected, dead] = await Promise.all([kafka.createChannel(), kafka.createChannel(), kafka.createChannel()]);
    rename(doc, 'payments', { queue });
    rename(doc, 'payments-topic', { topic: payments });
    rename(doc, 'rejected-topic', { topic: rejected });
    rename(doc, 'dead-letters', { topic: dead });
    const broken = json({ paymentId: 'p-3', amount: '12O.00', currency: 'EUR' });
    await mq.publish(queue, [
      { value: json({ paymentId: 'p-1', amount: 120.5, currency: 'EUR' }), headers: { channel: 'swift' } },
      { value: json({ paymentId: 'p-2', amount: 0.0, currency: 'EUR' }) },
      { value: broken },
    ]);
    await start(doc);
    const [ok] = await kafka.readAll(payments, 1);
    expect(JSON.parse(text(ok!.value))).toEqual({ paymentId: 'p-1', amount: 120.5, currency: 'EUR' });
    expect(ok!.key).toBe('p-1');
    expect(ok!.headers.channel).toBe('swift');
    const [no] = await kafka.readAll(rejected, 1);
    expect(JSON.parse(text(no!.value))).toMatchObject({ paymentId: 'p-2' });
    const [letter] = await kafka.readAll(dead, 1);
    expect(text(letter!.value)).toBe(text(broken));
    expect(letter!.headers[DEAD_LETTER_HEADERS.node]).toBe('valid');
    expect(letter!.headers[DEAD_LETTER_HEADERS.flow]).toBe('mq-payments-to-kafka');
  });

  it('kafka-shipments-to-mq sends shipments to the warehouse queue without customer data', async () => {
    const doc = load('kafka-shipments-to-mq');
    const [shipments, dead] = await Promise.all([kafka.createChannel(), kafka.createChannel()]);
    const queue = await mq.createChannel();
    rename(doc, 'shipments', { topics: [shipments], group: uniqueName('ship') });
    rename(doc, 'warehouse-queue', { queue });
    rename(doc, 'dead-letters', { topic: dead });
    await kafka.publish(shipments, [
      { key: 's-1', value: json({ shipmentId: 's-1', orderId: 'ord-7', carrier: 'DHL', customer: { name: 'Ana Lima', address: 'Hauptstr. 1' }, parcels: 2 }) },
    ]);
    await start(doc);
    const [m] = await mq.readAll(queue, 1);
    expect(JSON.parse(text(m!.value))).toEqual({ shipmentId: 's-1', orderId: 'ord-7', carrier: 'DHL', parcels: 2, source: 'sluice' });
    expect(text(m!.value)).not.toContain('Ana Lima');
  });

  it('nats-edge-alerts-to-kafka forwards only overheating readings, keyed by device', async () => {
    const doc = load('nats-edge-alerts-to-kafka');
    const stream = await nats.createChannel();
    const [alerts, dead] = await Promise.all([kafka.createChannel(), kafka.createChannel()]);
    rename(doc, 'readings', { subject: stream, stream, durable: uniqueName('alerts') });
    rename(doc, 'alerts-topic', { topic: alerts });
    rename(doc, 'dead-letters', { topic: dead });
    await nats.publish(stream, [
      { value: json({ deviceId: 'pump-7', site: 'hamburg', temperature: 81.5 }) },
      { value: json({ deviceId: 'pump-8', site: 'hamburg', temperature: 64.0 }) },
      { value: json({ deviceId: 'fan-2', site: 'lyon', temperature: 99.9 }) },
    ]);
    await start(doc);
    const got = await kafka.readAll(alerts, 2);
    expect(got.map((m) => [m.key, (JSON.parse(text(m.value)) as { deviceId: string }).deviceId]).sort()).toEqual([
      ['fan-2', 'fan-2'],
      ['pump-7', 'pump-7'],
    ]);
  });

  it('orders-eu-to-us lets only the allowed fields cross, with a tokenized customer id', async () => {
    const doc = load('orders-eu-to-us');
    const [orders, mirror, dead] = await Promise.all([kafka.createChannel(), kafka.createChannel(), kafka.createChannel()]);
    rename(doc, 'orders', { topics: [orders], group: uniqueName('mirror') });
    rename(doc, 'orders-us', { topic: mirror });
    rename(doc, 'dead-letters', { topic: dead });
    const pii = ['Ana Lima', 'ana@example.com', 'DE44500105175407324931', '+49 30 1234567', '4111111111111111'];
    await kafka.publish(orders, [
      {
        key: 'ord-1',
        value: json({
          id: 'ord-1',
          total: 1480.5,
          currency: 'EUR',
          region: 'eu',
          customer: { id: 'c-17', name: pii[0], email: pii[1], country: 'DE', iban: pii[2] },
          items: [{ sku: 'SKU-1', qty: 2, card: pii[4] }],
          loyaltyPhone: pii[3],
        }),
      },
      { key: 'ord-2', value: json({ id: 'ord-2', total: 99.0, currency: 'EUR', region: 'eu', customer: { id: 'c-18', country: 'FR' }, items: [] }) },
    ]);
    await start(doc);
    const [m] = await kafka.readAll(mirror, 1);
    expect(JSON.parse(text(m!.value))).toEqual({
      id: 'ord-1',
      total: 1480.5,
      currency: 'EUR',
      region: 'eu',
      customer: { id: 'tok_Jjdk74l72sX1owymBSr9RQ', country: 'DE' },
      items: [{ sku: 'SKU-1', qty: 2 }],
    });
    expect(m!.key).toBe('ord-1');
    const wire = text(m!.value) + JSON.stringify(m!.headers);
    for (const value of pii) expect(wire, `personal data "${value}" crossed to the US`).not.toContain(value);
    for (const value of pii) expect(logger.text(), `personal data "${value}" in a log line`).not.toContain(value);
  });
});
