import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../../shared/node-kit';
import resource, { mqConnection, MqConnectionConfig } from '../../../../shared/nodes/resources/mq-connection.resource';

const parse = (config: Record<string, unknown>) => MqConnectionConfig.parse(config);
const lintOf = (config: Record<string, unknown>) => resource.lint!(parse(config));

describe('mq.connection', () => {
  describe('mqConnection', () => {
    it('puts user and password (URL-encoded) into the URL and keeps host and port', () => {
      expect(mqConnection(parse({ url: 'amqp://mq1.example.com:5672', username: 'app', password: 'p@ss:w/rd %', zone: 'eu' }))).toEqual({
        url: 'amqp://app:p%40ss%3Aw%2Frd%20%25@mq1.example.com:5672',
      });
      expect(mqConnection(parse({ url: ' amqp://mq1.example.com ', zone: 'eu' }))).toEqual({ url: 'amqp://mq1.example.com' });
    });

    it('switches to amqps for TLS, keeps amqps URLs, and passes the virtual host', () => {
      expect(mqConnection(parse({ url: 'amqp://rabbit:5671', tls: true, vhost: 'payments', zone: 'eu' }))).toEqual({ url: 'amqps://rabbit:5671', vhost: 'payments' });
      expect(mqConnection(parse({ url: 'amqps://ns.servicebus.windows.net', username: 'RootManageSharedAccessKey', password: 'k3y=', zone: 'eu' }))).toEqual({
        url: 'amqps://RootManageSharedAccessKey:k3y%3D@ns.servicebus.windows.net',
      });
    });

    it('refuses URLs it cannot use, naming the problem without showing a password', () => {
      expect(() => mqConnection(parse({ url: 'amqp://u:secret@mq:5672', zone: 'eu' }))).toThrow(/carries a user or password/);
      expect(() => mqConnection(parse({ url: 'http://mq:5672', zone: 'eu' }))).toThrow(/must start with amqp:\/\/ or amqps:\/\//);
      expect(() => mqConnection(parse({ url: 'mq1:5672', zone: 'eu' }))).toThrow(/must start with amqp/);
      const err = (() => {
        try {
          mqConnection(parse({ url: 'http://u:secret@mq', zone: 'eu' }));
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(err?.message).not.toContain('secret');
    });
  });

  describe('lint', () => {
    it('accepts its examples', () => {
      for (const ex of resource.examples) expect(resource.lint!(parse(ex.config as Record<string, unknown>)), ex.title).toEqual([]);
    });

    it('skips URL checks for references but still refuses credentials in them', () => {
      expect(lintOf({ url: '${env:MQ_URL}', zone: 'eu' })).toEqual([]);
      expect(lintOf({ url: 'amqp://${env:MQ_USER}:${secret:MQ_PASS}@mq:5672', zone: 'eu' })).toEqual([
        { path: '/url', message: expect.stringMatching(/carries credentials/) },
      ]);
    });

    it('checks scheme, credentials and path of a literal URL', () => {
      expect(lintOf({ url: 'amqp://guest:guest@mq:5672', zone: 'eu' })).toEqual([{ path: '/url', message: expect.stringMatching(/carries credentials/) }]);
      expect(lintOf({ url: 'tcp://mq:5672', zone: 'eu' })).toEqual([{ path: '/url', message: expect.stringMatching(/not an AMQP scheme/) }]);
      expect(lintOf({ url: 'not a url', zone: 'eu' })).toEqual([{ path: '/url', message: expect.stringMatching(/is not a URL/) }]);
      expect(lintOf({ url: 'amqp://mq:5672/payments', zone: 'eu' })).toEqual([{ path: '/url', message: expect.stringMatching(/path "\/payments" is ignored/), severity: 'warning' }]);
    });

    it('wants user and password together, a named virtual host and a zone label', () => {
      expect(lintOf({ url: 'amqp://mq', password: '${secret:P}', zone: 'eu' })).toEqual([{ path: '/username', message: 'a password needs a user' }]);
      expect(lintOf({ url: 'amqp://mq', username: '${secret:U}', zone: 'eu' })).toEqual([{ path: '/password', message: expect.stringMatching(/needs a password/) }]);
      expect(lintOf({ url: 'amqp://mq', vhost: ' ', zone: 'eu' })).toEqual([{ path: '/vhost', message: expect.any(String) }]);
      expect(lintOf({ url: 'amqp://mq', zone: 'e u' })).toEqual([{ path: '/zone', message: expect.stringMatching(/short label/) }]);
      expect(() => parse({ url: 'amqp://mq' })).toThrow();
    });

    it('warns when TLS is on for the plain AMQP port', () => {
      expect(lintOf({ url: 'amqp://mq:5672', tls: true, zone: 'eu' })).toEqual([{ path: '/tls', message: expect.stringMatching(/5671/), severity: 'warning' }]);
    });
  });

  it('marks user and password as secrets for the form, the validator and log scrubbing', () => {
    const props = configJsonSchema(resource).properties as Record<string, Record<string, unknown>>;
    expect(props.username?.['x-secret']).toBe(true);
    expect(props.password?.['x-secret']).toBe(true);
    expect(props.url?.['x-secret']).toBeUndefined();
  });
});
