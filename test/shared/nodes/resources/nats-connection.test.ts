import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../../shared/node-kit/define';
import resource, { natsConnection, serverList } from '../../../../shared/nodes/resources/nats-connection.resource';

function lintOf(config: Record<string, unknown>) {
  return resource.lint!(resource.config.parse(config));
}

describe('nats.connection', () => {
  it('turns the config into what the connector needs', () => {
    expect(natsConnection(resource.config.parse({ servers: ' nats://a:4222 ,b:4223,, ', zone: 'eu' }))).toEqual({ servers: ['nats://a:4222', 'b:4223'] });
    expect(natsConnection(resource.config.parse({ servers: 'a:1', user: 'u', password: 'p', zone: 'eu' }))).toEqual({ servers: ['a:1'], user: 'u', pass: 'p' });
    expect(natsConnection(resource.config.parse({ servers: 'a:1', token: 't', zone: 'eu' }))).toEqual({ servers: ['a:1'], token: 't' });
  });

  it('fails at start when the servers resolved to nothing', () => {
    expect(() => natsConnection(resource.config.parse({ servers: ' , ', zone: 'eu' }))).toThrow(/names no servers/);
  });

  it('splits server lists', () => {
    expect(serverList('nats://a:1,nats://b:2')).toEqual(['nats://a:1', 'nats://b:2']);
    expect(serverList('')).toEqual([]);
  });

  it('requires a zone', () => {
    expect(resource.config.safeParse({ servers: 'a:1' }).success).toBe(false);
    expect(lintOf({ servers: 'a:1', zone: ' ' })).toEqual([{ path: '/zone', message: 'give the zone of these servers, e.g. eu' }]);
  });

  it('accepts server URLs, host:port, IPv6 and references', () => {
    for (const servers of ['nats://nats-1.example.com:4222', 'tls://n:4443', 'localhost:4222', 'nats://[::1]:4222', '${env:NATS_URL}', 'a:1, nats://b:2']) {
      expect(lintOf({ servers, zone: 'eu' }), servers).toEqual([]);
    }
  });

  it('rejects addresses that are not NATS servers and credentials in URLs', () => {
    expect(lintOf({ servers: 'http://a b', zone: 'eu' })[0]).toMatchObject({ path: '/servers', message: expect.stringMatching(/not a NATS server address/) });
    expect(lintOf({ servers: 'nats://me:secret@a:4222', zone: 'eu' })[0]).toMatchObject({ path: '/servers', message: expect.stringMatching(/credentials in the URL/) });
    expect(lintOf({ servers: ' ,', zone: 'eu' })).toEqual([{ path: '/servers', message: 'give at least one server, e.g. nats://localhost:4222' }]);
  });

  it('checks that credentials come as user and password, or a token', () => {
    expect(lintOf({ servers: 'a:1', user: 'u', zone: 'eu' })).toEqual([{ path: '/password', message: expect.stringMatching(/needs a password/) }]);
    expect(lintOf({ servers: 'a:1', password: '${secret:p}', zone: 'eu' })).toEqual([{ path: '/user', message: 'a password needs a user' }]);
    expect(lintOf({ servers: 'a:1', user: 'u', password: '${secret:p}', token: '${secret:t}', zone: 'eu' })).toEqual([
      { path: '/token', message: 'use either a token or a user and password, not both' },
    ]);
  });

  it('marks password and token as secrets in the config schema, so flows may only hold references', () => {
    const props = configJsonSchema(resource).properties as Record<string, Record<string, unknown>>;
    expect(props.password).toMatchObject({ 'x-secret': true, 'x-widget': 'secret-ref' });
    expect(props.token).toMatchObject({ 'x-secret': true, 'x-widget': 'secret-ref' });
    expect(props.servers?.['x-secret']).toBeUndefined();
  });
});
