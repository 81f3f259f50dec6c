import type { AmqpConnection, AmqpReceiveOptions, AmqpSendOptions, BrokerServices } from '../../shared/node-kit/brokers';
import type { Logger } from '../../shared/node-kit/runtime';
import { endpointOf, TUNING_DEFAULTS, type AmqpTuning } from './amqp/connection';
import { DeliveryCounts } from './amqp/delivery-counts';
import { AmqpReceiver, type ReceiverStats } from './amqp/receiver';
import { AmqpSender, type SenderStats } from './amqp/sender';

export { AmqpConfigError, AmqpRemoteError, TUNING_DEFAULTS, type AmqpTuning } from './amqp/connection';
export { AmqpReceiver, DEFAULT_CREDIT, type ReceiverStats } from './amqp/receiver';
export { DeliveryCounts } from './amqp/delivery-counts';
export { AmqpSender, AmqpSendError, type SenderStats } from './amqp/sender';

/**
 * The AMQP 1.0 connector (rhea-promise) behind `BrokerServices['amqp']`: the MQ bridge to IBM MQ
 * AMQP channels, ActiveMQ Artemis, RabbitMQ (rabbitmq_amqp1_0) and Azure Service Bus.
 *
 * Each receiver and each sender has a connection of its own, so a failure on one link (a
 * session the broker ends) never takes the unsettled deliveries of another with it.
 *
 * - Receivers (amqp/receiver.ts): manual link credit, nothing auto-accepted; `ack` accepts,
 *   `nack` settles as modified/delivery-failed (released on RabbitMQ 3.x); deliveries counted
 *   in `meta.deliveries` so the node can dead-letter after N deliveries in the runtime.
 * - Senders (amqp/sender.ts): every transfer waits for the broker's outcome.
 * - Both reconnect with jittered exponential backoff, log every state change and count
 *   connects, failures, losses and reconnects (`stats()`).
 */
export interface AmqpService {
  receiver(connection: AmqpConnection, options: AmqpReceiveOptions): AmqpReceiver;
  sender(connection: AmqpConnection, options: AmqpSendOptions): AmqpSender;
  /** Counters and state of every receiver and sender this service made and has not closed. */
  stats(): { receivers: ReceiverStats[]; senders: SenderStats[] };
}

/**
 * Delivery counts kept by the runtime (see amqp/delivery-counts.ts), for the whole process: a
 * flow that failed and is started again in the same process keeps counting where it was.
 */
const processCounts = new DeliveryCounts();

/**
 * Creates the service. Throws (from `receiver`/`sender`) an AmqpConfigError for a URL or options
 * it cannot use. `counts` replaces the process-wide delivery counts (tests).
 */
export function createAmqpService(log: Logger, tuning: AmqpTuning = {}, counts: DeliveryCounts = processCounts): AmqpService & BrokerServices['amqp'] {
  const t = { ...TUNING_DEFAULTS, ...tuning };
  const receivers = new Set<AmqpReceiver>();
  const senders = new Set<AmqpSender>();
  return {
    receiver(connection, options) {
      const r: AmqpReceiver = new AmqpReceiver(log, endpointOf(connection, t), options, t, counts, () => receivers.delete(r));
      receivers.add(r);
      return r;
    },
    sender(connection, options) {
      const s: AmqpSender = new AmqpSender(log, endpointOf(connection, t), options, t, () => senders.delete(s));
      senders.add(s);
      return s;
    },
    stats: () => ({ receivers: [...receivers].map((r) => r.stats()), senders: [...senders].map((s) => s.stats()) }),
  };
}
