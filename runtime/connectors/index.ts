import type { BrokerServices } from '../../shared/node-kit/brokers';
import type { Logger } from '../../shared/node-kit/runtime';

/**
 * The broker services the engine injects as `ctx.brokers`. Each client library is imported on
 * first use, so a flow without Kafka never loads kafkajs (and `sluice validate` stays fast).
 */
export function brokerServices(log: Logger): BrokerServices {
  const kafka = once(() => import('./kafka').then((m) => m.createKafkaService(log)));
  const nats = once(() => import('./nats').then((m) => m.createNatsService(log)));
  const amqp = once(() => import('./amqp').then((m) => m.createAmqpService(log)));
  return {
    kafka: {
      consumer: (c, o) => deferredConsumer(kafka().then((k) => k.consumer(c, o))),
      producer: (c, o) => deferredProducer(kafka().then((k) => k.producer(c, o))),
      table: (c, o) => deferredTable(kafka().then((k) => k.table(c, o))),
    },
    nats: {
      consumer: (c, o) => deferredConsumer(nats().then((n) => n.consumer(c, o))),
      publisher: (c, o) => deferredProducer(nats().then((n) => n.publisher(c, o))),
    },
    amqp: {
      receiver: (c, o) => deferredConsumer(amqp().then((a) => a.receiver(c, o))),
      sender: (c, o) => deferredProducer(amqp().then((a) => a.sender(c, o))),
    },
  };
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

type Consumer = ReturnType<BrokerServices['kafka']['consumer']>;
type Producer = ReturnType<BrokerServices['kafka']['producer']>;
type Table = ReturnType<BrokerServices['kafka']['table']>;

function deferredConsumer(p: Promise<Consumer>): Consumer {
  return {
    run: async (onDelivery, signal) => (await p).run(onDelivery, signal),
    close: async () => (await p).close(),
  };
}

function deferredProducer(p: Promise<Producer>): Producer {
  return {
    send: async (m) => (await p).send(m),
    flush: async () => (await p).flush(),
    close: async () => (await p).close(),
  };
}

function deferredTable(p: Promise<Table>): Table {
  let table: Table | undefined;
  void p.then((t) => (table = t), () => undefined);
  return {
    ready: async () => (await p).ready(),
    get: (key) => {
      if (!table) throw new Error('the Kafka table is not open yet: await ready() first');
      return table.get(key);
    },
    size: () => table?.size() ?? 0,
    close: async () => (await p).close(),
  };
}
