import type { BrokerServices, NatsConnection, NatsConsumeOptions, NatsPublishOptions, OutboundMessage } from '../../../../shared/node-kit/brokers';
import { recordingProducer, scriptedConsumer, type FakeDelivery as SharedFakeDelivery, type FakeSendOptions, type Settlement } from '../../../helpers/fake-broker';

/**
 * A fake of BrokerServices['nats'] for unit tests of the NATS node types only (the connector
 * itself is tested against a real server in test/integration/nats). It records how the node
 * called it, hands out scripted deliveries, and keeps what was published per subject
 * (test/helpers/fake-broker.ts). NATS messages have no key.
 */
export type FakeDelivery = Omit<SharedFakeDelivery, 'key'>;

export interface FakeNats {
  services: BrokerServices;
  consumers: Array<{ connection: NatsConnection; options: NatsConsumeOptions; closed: boolean }>;
  publishers: Array<{ connection: NatsConnection; options: NatsPublishOptions; sent: OutboundMessage[]; flushed: number; closed: boolean }>;
  /** What each delivery was settled with, by index. */
  settled: Settlement[];
  sentTo(subject: string): OutboundMessage[];
}

export function fakeNats(deliveries: FakeDelivery[] = [], options: FakeSendOptions = {}): FakeNats {
  const fake: FakeNats = {
    consumers: [],
    publishers: [],
    settled: [],
    sentTo: (subject) => fake.publishers.filter((p) => p.options.subject === subject).flatMap((p) => p.sent),
    services: undefined as unknown as BrokerServices,
  };
  const refuse = (): never => {
    throw new Error('only NATS in this fake');
  };
  fake.services = {
    kafka: { consumer: refuse, producer: refuse, table: refuse },
    amqp: { receiver: refuse, sender: refuse },
    nats: {
      consumer(connection, consumeOptions) {
        const record = { connection, options: consumeOptions, closed: false };
        fake.consumers.push(record);
        return scriptedConsumer(record, deliveries, fake.settled, (i) => ({ subject: consumeOptions.subject, deliveries: 1, sequence: i + 1 }));
      },
      publisher(connection, publishOptions) {
        const record = { connection, options: publishOptions, sent: [] as OutboundMessage[], flushed: 0, closed: false };
        fake.publishers.push(record);
        return recordingProducer(record, `publisher to ${publishOptions.subject}`, options);
      },
    },
  };
  return fake;
}

export const CONNECTION = { 'edge-nats': { type: 'nats.connection', config: { servers: 'nats://a:4222, nats://b:4222', user: 'u', password: 'p', zone: 'eu' } } };
