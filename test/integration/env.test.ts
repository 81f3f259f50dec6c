import { Kafka, logLevel } from 'kafkajs';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Connection } from 'rhea-promise';
import { describe, expect, it } from 'vitest';
import { testEnv, uniqueName } from './env';

// The brokers test/env/up.sh started answer on loopback with the protocols the connectors use.
describe('test environment', () => {
  const env = testEnv();

  it('has a Kafka broker that creates and lists topics', async () => {
    const admin = new Kafka({ brokers: env.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topic = uniqueName('env-check');
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('has a NATS server with JetStream enabled', async () => {
    const nc = await connect({ servers: env.nats.servers });
    try {
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      expect(info.limits).toBeDefined();
    } finally {
      await nc.close();
    }
  });

  it('has an AMQP 1.0 broker that accepts a connection', async () => {
    const url = new URL(env.amqp.url);
    const connection = new Connection({
      host: url.hostname,
      port: Number(url.port),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      transport: 'tcp',
      reconnect: false,
    });
    await connection.open();
    try {
      expect(connection.isOpen()).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
