import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../../shared/node-kit/define';
import kafkaConnectionResource, { kafkaConnection } from '../../../../shared/nodes/resources/kafka-connection.resource';

const parse = (c: unknown) => kafkaConnectionResource.config.parse(c);
const lint = (c: unknown) => kafkaConnectionResource.lint?.(parse(c)) ?? [];

describe('kafka.connection', () => {
  it('turns a resolved config into the connector’s connection', () => {
    expect(kafkaConnection('eu', { brokers: ' k1:9092 ,k2:9093,', zone: 'eu' })).toEqual({ brokers: ['k1:9092', 'k2:9093'], clientId: 'sluice', zone: 'eu' });
    expect(
      kafkaConnection('us', {
        brokers: 'b-1.example.com:9096',
        zone: 'us',
        clientId: 'orders',
        ssl: true,
        sasl: { username: 'svc', password: 's3cret' },
      }),
    ).toEqual({ brokers: ['b-1.example.com:9096'], clientId: 'orders', zone: 'us', ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' } });
  });

  it('requires a zone', () => {
    expect(kafkaConnectionResource.config.safeParse({ brokers: 'k:9092' }).success).toBe(false);
    expect(lint({ brokers: 'k:9092', zone: 'e u' })).toEqual([{ path: '/zone', message: expect.stringMatching(/without spaces/) }]);
    expect(() => kafkaConnection('x', { brokers: 'k:9092' })).toThrow(/Kafka connection "x": \/zone/);
  });

  it('checks brokers are host:port, unless they come from a reference', () => {
    expect(lint({ brokers: 'kafka-1:9092,[::1]:9093', zone: 'eu' })).toEqual([]);
    expect(lint({ brokers: 'kafka-1, kafka-2:x', zone: 'eu' })).toEqual([{ path: '/brokers', message: 'not host:port: "kafka-1", "kafka-2:x" (e.g. kafka-1:9092)' }]);
    expect(lint({ brokers: ' , ', zone: 'eu' })[0]?.message).toMatch(/at least one broker/);
    expect(lint({ brokers: '${env:KAFKA_BROKERS}', zone: 'eu' })).toEqual([]);
    expect(() => kafkaConnection('x', { brokers: 'kafka-1', zone: 'eu' })).toThrow(/not host:port/);
  });

  it('wants the password as a secret reference and warns about plain sign-in without TLS', () => {
    const schema = configJsonSchema(kafkaConnectionResource) as { properties: { sasl: { properties: { password: Record<string, unknown> } } } };
    expect(schema.properties.sasl.properties.password).toMatchObject({ 'x-secret': true, 'x-widget': 'secret-ref' });
    expect(lint({ brokers: 'k:9092', zone: 'eu', sasl: { mechanism: 'plain', username: 'u', password: '${secret:P}' } })).toEqual([
      { path: '/sasl/mechanism', message: expect.stringMatching(/turn on TLS/), severity: 'warning' },
    ]);
    expect(lint({ brokers: 'k:9092', zone: 'eu', ssl: true, sasl: { mechanism: 'plain', username: 'u', password: '${secret:P}' } })).toEqual([]);
  });

  it('refuses unknown fields', () => {
    expect(kafkaConnectionResource.config.safeParse({ brokers: 'k:9092', zone: 'eu', bootstrap: 'x' }).success).toBe(false);
  });
});
