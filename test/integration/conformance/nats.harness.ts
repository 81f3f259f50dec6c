import type { BrokerMessage, BrokerServices, OutboundMessage } from '../../../shared/node-kit/brokers';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createNatsService } from '../../../runtime/connectors/nats';
import { headerRecord } from '../../../runtime/connectors/nats/consumer';
import { testEnv } from '../env';
import { memoryLogger } from '../kit';
import { admin } from '../nats/helpers';
import type { ConformanceHarness, NodeSpec } from './harness';

/**
 * NATS JetStream for the conformance suite: a channel is a fresh stream whose name is also its
 * subject; the source is `nats.consume` with a durable per test, the sink `nats.publish`.
 * Messages go in and come out through the client library directly (publish with PubAck, read
 * back by stream sequence). NATS messages have no key, so ordering holds for the whole channel.
 */
export async function natsHarness(): Promise<ConformanceHarness> {
  const servers = testEnv().nats.servers;
  const a = await admin(servers);
  const log = memoryLogger();
  const nats = createNatsService(log);
  const refuse = (): never => {
    throw new Error('the NATS conformance harness only has NATS services');
  };
  const services: BrokerServices = {
    nats,
    kafka: { consumer: refuse, producer: refuse, table: refuse },
    amqp: { receiver: refuse, sender: refuse },
  };
  const connection = 'nats-test';
  return {
    name: 'nats',
    ordering: 'channel',
    services,
    resources: (): Record<string, NodeSpec> => ({
      [connection]: { type: 'nats.connection', version: 1, config: { servers: servers.join(','), zone: 'test' } },
    }),
    createChannel: () => a.stream('conf'),
    sourceNode: (channel, group) => ({
      type: 'nats.consume',
      version: 1,
      config: { connection, mode: 'jetstream', subject: channel, stream: channel, durable: group, nakDelay: '200ms' },
    }),
    sinkNode: (channel) => ({ type: 'nats.publish', version: 1, config: { connection, mode: 'jetstream', subject: channel } }),
    async publish(channel, messages: OutboundMessage[]) {
      const js = a.jsm.jetstream();
      for (const m of messages) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(m.headers ?? {})) h.set(k, v);
        await js.publish(channel, m.value, { headers: h, ...(m.id ? { msgID: m.id } : {}) });
      }
    },
    async readAll(channel, count, timeoutMs = 30_000): Promise<BrokerMessage[]> {
      const deadline = Date.now() + timeoutMs;
      let stored = 0;
      for (;;) {
        stored = (await a.jsm.streams.info(channel)).state.messages;
        if (stored >= count || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const out: BrokerMessage[] = [];
      const info = await a.jsm.streams.info(channel);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
        const m = await a.jsm.streams.getMessage(channel, { seq });
        if (!m) continue;
        out.push({ key: null, value: m.data, headers: headerRecord(m.header), meta: { subject: m.subject, stream: channel, sequence: m.seq } });
      }
      if (out.length < count) {
        throw new Error(`stream ${channel} holds ${out.length} of the ${count} expected messages after ${timeoutMs} ms: ${out.map((m) => new TextDecoder().decode(m.value)).join(' | ')}\n${log.text()}`);
      }
      return out;
    },
    consume: (channel, group) => nats.consumer({ servers }, { mode: 'jetstream', subject: channel, stream: channel, durable: group, nakDelayMs: 200 }),
    close: () => a.close(),
  };
}
