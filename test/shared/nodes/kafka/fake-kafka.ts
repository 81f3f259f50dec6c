import type {
  BrokerServices,
  Delivery,
  KafkaConnection,
  KafkaConsumeOptions,
  KafkaProduceOptions,
  KafkaTable,
  OutboundMessage,
} from '../../../../shared/node-kit/brokers';

/**
 * A FAKE of the Kafka connector for unit tests of single node modules only (what the node asks
 * the connector for, and what it does with deliveries). The connector itself is tested against
 * the real broker in test/integration/kafka.
 */
export interface FakeDelivery {
  key?: string | null;
  value: Uint8Array | string;
  headers?: Record<string, string>;
  offset?: number;
}

export interface SettleLog {
  offset: string;
  outcome: 'ack' | 'nack';
  error?: string;
}

export class FakeTable implements KafkaTable {
  readonly rows = new Map<string, Uint8Array>();
  closed = 0;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private readonly readyPromise = new Promise<void>((resolve, reject) => {
    this.resolveReady = resolve;
    this.rejectReady = reject;
  });

  constructor(readonly options: { topic: string }) {
    this.readyPromise.catch(() => undefined);
  }

  put(key: string, value: string | undefined): void {
    if (value === undefined) this.rows.delete(key);
    else this.rows.set(key, new TextEncoder().encode(value));
  }

  catchUp(): void {
    this.resolveReady();
  }

  fail(error: Error): void {
    this.rejectReady(error);
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  get(key: string): Uint8Array | undefined {
    return this.rows.get(key);
  }

  size(): number {
    return this.rows.size;
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

export function fakeKafka(records: FakeDelivery[] = []) {
  const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  const settled: SettleLog[] = [];
  const consumers: Array<{ connection: KafkaConnection; options: KafkaConsumeOptions; closed: number }> = [];
  const producers: Array<{ connection: KafkaConnection; options: KafkaProduceOptions; sent: OutboundMessage[]; flushed: number; closed: number }> = [];
  const tables: FakeTable[] = [];
  /** Sends reject with this error while set. */
  let failSends: Error | undefined;

  const refuse = (): never => {
    throw new Error('only Kafka is faked here');
  };
  const services: BrokerServices = {
    kafka: {
      consumer(connection, options) {
        const entry = { connection, options, closed: 0 };
        consumers.push(entry);
        return {
          async run(onDelivery, signal) {
            for (const [i, r] of records.entries()) {
              if (signal.aborted) return;
              const offset = String(r.offset ?? i);
              const d: Delivery = {
                key: r.key ?? null,
                value: bytes(r.value),
                headers: r.headers ?? {},
                meta: { topic: options.topics[0], partition: 0, offset, timestamp: 1_714_550_400_000, deliveries: 1 },
                settle: {
                  ack: () => void settled.push({ offset, outcome: 'ack' }),
                  nack: (error) => void settled.push({ offset, outcome: 'nack', error: error.message }),
                },
              };
              await onDelivery(d);
            }
          },
          async close() {
            entry.closed++;
          },
        };
      },
      producer(connection, options) {
        const entry = { connection, options, sent: [] as OutboundMessage[], flushed: 0, closed: 0 };
        producers.push(entry);
        return {
          async send(message) {
            if (failSends) throw failSends;
            entry.sent.push(message);
          },
          async flush() {
            entry.flushed++;
          },
          async close() {
            entry.closed++;
          },
        };
      },
      table(_connection, options) {
        const t = new FakeTable(options);
        tables.push(t);
        return t;
      },
    },
    nats: { consumer: refuse, publisher: refuse },
    amqp: { receiver: refuse, sender: refuse },
  };
  return {
    services,
    settled,
    consumers,
    producers,
    tables,
    failSends(error: Error | undefined) {
      failSends = error;
    },
  };
}

export const KAFKA_RESOURCE = {
  'eu-kafka': { type: 'kafka.connection', config: { brokers: 'k1:9092, k2:9092', zone: 'eu', clientId: 'sluice-test', ssl: false } },
};

export const text = (b: Uint8Array | string) => (typeof b === 'string' ? b : new TextDecoder().decode(b));
