import type { AmqpConnection, AmqpReceiveOptions, AmqpSendOptions, BrokerServices, OutboundMessage } from '../../../../shared/node-kit/brokers';
import { recordingProducer, scriptedConsumer, type FakeDelivery, type FakeSendOptions, type Settlement } from '../../../helpers/fake-broker';

/**
 * A fake of BrokerServices['amqp'] for unit tests of the MQ node types only (the connector
 * itself is tested against a real broker in test/integration/mq). It records how the node
 * called it, hands out scripted deliveries one at a time (waiting for the node's promise, like
 * the real receiver), and keeps what was sent per queue (test/helpers/fake-broker.ts).
 */
export type { FakeDelivery };

export interface FakeAmqp {
  services: BrokerServices;
  receivers: Array<{ connection: AmqpConnection; options: AmqpReceiveOptions; closed: boolean }>;
  senders: Array<{ connection: AmqpConnection; options: AmqpSendOptions; sent: OutboundMessage[]; flushed: number; closed: boolean }>;
  /** How each delivery was settled, by index. */
  settled: Settlement[];
  sentTo(queue: string): OutboundMessage[];
}

export function fakeAmqp(deliveries: FakeDelivery[] = [], options: FakeSendOptions = {}): FakeAmqp {
  const fake: FakeAmqp = {
    receivers: [],
    senders: [],
    settled: [],
    sentTo: (queue) => fake.senders.filter((s) => s.options.address === queue).flatMap((s) => s.sent),
    services: undefined as unknown as BrokerServices,
  };
  const refuse = (): never => {
    throw new Error('only AMQP in this fake');
  };
  fake.services = {
    kafka: { consumer: refuse, producer: refuse, table: refuse },
    nats: { consumer: refuse, publisher: refuse },
    amqp: {
      receiver(connection, receiveOptions) {
        const record = { connection, options: receiveOptions, closed: false };
        fake.receivers.push(record);
        return scriptedConsumer(record, deliveries, fake.settled, () => ({ address: receiveOptions.address, deliveries: 1 }));
      },
      sender(connection, sendOptions) {
        const record = { connection, options: sendOptions, sent: [] as OutboundMessage[], flushed: 0, closed: false };
        fake.senders.push(record);
        return recordingProducer(record, `sender to ${sendOptions.address}`, options);
      },
    },
  };
  return fake;
}

export const CONNECTION = {
  'payments-mq': {
    type: 'mq.connection',
    config: { url: 'amqp://mq1.example.com:5672', username: 'app user', password: 'p@ss:word/1', tls: false, zone: 'eu' },
  },
};
