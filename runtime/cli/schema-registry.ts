import { parseArgs } from 'node:util';
import { createRegistryServer, defaultDataDir, openRegistryStore } from '../registry/index';
import { COMMAND_HELP } from './help';
import type { CliIO } from './io';
import { untilSignal } from './until-signal';
import { isLoopbackHost } from '../net/loopback';

export interface RegistryCommandOptions {
  /** Resolves when the server should stop; SIGINT/SIGTERM by default. */
  until?: Promise<unknown>;
}

/**
 * `sluice registry`: serves the embedded Confluent-compatible schema registry until SIGINT or
 * SIGTERM, storing in PostgreSQL with --postgres and in a data folder otherwise. Resolves with
 * the exit code: 0 after a clean stop, 1 when the store or port cannot be opened, 2 on wrong usage.
 * Option parsing errors from parseArgs are thrown for main() to report as usage errors.
 */
export async function registryCommand(args: readonly string[], io: CliIO, options: RegistryCommandOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { port: { type: 'string' }, host: { type: 'string' }, postgres: { type: 'string' }, data: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const usage = (message: string) => {
    io.stderr(`sluice registry: ${message}\n\n${COMMAND_HELP.registry}`);
    return 2;
  };
  if (positionals.length > 0) return usage(`unexpected argument "${positionals[0]}"`);
  const port = values.port === undefined ? 8081 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '8081') || !Number.isInteger(port) || port > 65535) return usage(`--port must be a port number, not "${values.port}"`);
  if (values.postgres !== undefined && values.data !== undefined) return usage('choose one store: --postgres <url> or --data <dir>, not both');
  const host = values.host ?? '127.0.0.1';

  const store = await openRegistryStore(values.postgres !== undefined ? { postgres: values.postgres } : { dataDir: values.data ?? defaultDataDir() });
  let server;
  try {
    server = await createRegistryServer({ host, port, store });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  io.stderr(`sluice registry: serving the schema registry at ${server.url} (store: ${store.description})\n`);
  if (!isLoopbackHost(host)) {
    io.stderr(`sluice registry: warning: listening on ${host} without authentication; anyone who can reach it can change schemas\n`);
  }
  await (options.until ?? untilSignal());
  io.stderr('sluice registry: stopping\n');
  await server.close();
  return 0;
}
