import type { BrokerServices, NatsConnection, NatsConsumeOptions, NatsPublishOptions } from '../../shared/node-kit/brokers';
import type { Logger } from '../../shared/node-kit/runtime';
import { subjectProblem } from '../../shared/nodes/nats/lib/subject';
import { CoreConsumer, JetStreamConsumer } from './nats/consumer';
import { NatsConfigError, NatsConnections, type ConnectionTuning, type NatsConnectionStats } from './nats/connections';
import { NatsPublisher } from './nats/publisher';

export { CONSUME_DEFAULTS } from './nats/consumer';
export { NatsConfigError, type ConnectionTuning, type NatsConnectionStats } from './nats/connections';

/**
 * The NATS connector (@nats-io/transport-node + @nats-io/jetstream) behind
 * `BrokerServices['nats']`. Consumers and publishers of one service that name the same servers
 * and credentials share one connection (see nats/connections.ts for connecting, reconnecting
 * with jittered exponential backoff, and the state log).
 *
 * Delivery guarantees:
 * - JetStream consumers are durable pull consumers with explicit acks: at least once
 *   (nats/consumer.ts, JetStreamConsumer). JetStream publishes resolve on the PubAck, with
 *   `Nats-Msg-Id` de-duplication when an id is given (nats/publisher.ts).
 * - Core subscriptions and core publishes are **at most once**: no storage, no redelivery,
 *   settle does nothing (CoreConsumer, NatsPublisher).
 */
export interface NatsService {
  consumer(connection: NatsConnection, options: NatsConsumeOptions): ReturnType<BrokerServices['nats']['consumer']>;
  publisher(connection: NatsConnection, options: NatsPublishOptions): ReturnType<BrokerServices['nats']['publisher']>;
  /** Connection state and counters (connects, failed connects, disconnects, reconnects) per connection. */
  stats(): NatsConnectionStats[];
}

export function createNatsService(log: Logger, tuning: ConnectionTuning = {}): NatsService {
  const pool = new NatsConnections(log, tuning);
  return {
    consumer(connection, options) {
      check(connection, options.subject, true);
      return options.mode === 'core' ? new CoreConsumer(pool, log, connection, options) : new JetStreamConsumer(pool, log, connection, options);
    },
    publisher(connection, options) {
      check(connection, options.subject, false);
      return new NatsPublisher(pool, log, connection, options);
    },
    stats: () => pool.stats(),
  };
}

function check(connection: NatsConnection, subject: string, wildcards: boolean): void {
  if (!connection.servers.length) throw new NatsConfigError('the NATS connection names no servers');
  const problem = subjectProblem(subject, { wildcards });
  if (problem) throw new NatsConfigError(problem);
}
