import { createAmqpService } from '../../../runtime/connectors/amqp';
import type { BrokerMessage, BrokerServices, OutboundMessage } from '../../../shared/node-kit/brokers';
import { memoryLogger } from '../kit';
import { amqpUrl, connectionConfig, connectionEnv, declareQueue, publish, take } from '../mq/broker';
import type { ConformanceHarness, NodeSpec } from './harness';

/**
 * MQ over AMQP 1.0 (RabbitMQ 3.10 with rabbitmq_amqp1_0) for the conformance suite: a channel is
 * a fresh durable queue addressed `/amq/queue/<name>`; the source is `mq.receive`, the sink
 * `mq.send`. Messages go in and come out through rhea-promise directly. Competing receivers
 * share a queue, so the consumer group of the suite has no counterpart; a queue keeps one
 * order for all its messages ('channel').
 *
 * The connection's user and password are `${env:…}` references (as a user would write them);
 * the harness puts their values into process.env, which the suite passes to the engine.
 */
export async function mqHarness(): Promise<ConformanceHarness> {
  Object.assign(process.env, connectionEnv());
  const log = memoryLogger();
  const amqp = createAmqpService(log, { initialBackoffMs: 50, maxBackoffMs: 1000 });
  const refuse = (): never => {
    throw new Error('the MQ conformance harness only has AMQP services');
  };
  const services: BrokerServices = {
    amqp,
    kafka: { consumer: refuse, producer: refuse, table: refuse },
    nats: { consumer: refuse, publisher: refuse },
  };
  const connection = 'mq-test';
  return {
    name: 'mq',
    ordering: 'channel',
    services,
    resources: (): Record<string, NodeSpec> => ({
      [connection]: { type: 'mq.connection', version: 1, config: connectionConfig('test') },
    }),
    createChannel: async () => declareQueue('conf'),
    sourceNode: (channel) => ({ type: 'mq.receive', version: 1, config: { connection, queue: channel } }),
    sinkNode: (channel) => ({ type: 'mq.send', version: 1, config: { connection, queue: channel } }),
    publish: (channel, messages: OutboundMessage[]) => publish(channel, messages),
    async readAll(channel, count, timeoutMs = 30_000): Promise<BrokerMessage[]> {
      try {
        return await take(channel, count, { timeoutMs });
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${log.text()}`);
      }
    },
    consume: (channel) => amqp.receiver({ url: amqpUrl() }, { address: channel }),
    close: async () => undefined,
  };
}
