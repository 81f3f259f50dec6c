import { readFile } from 'node:fs/promises';
import type { Registry } from '../../shared/node-kit/registry';
import { parseEnvFile } from '../engine/env-file';
import type { CliIO } from './io';
import { untilSignal } from './until-signal';

/** What the command needs of the designer server (designer/server satisfies it). */
export interface DesignerLauncher {
  createDesignerServer(options: {
    flowsDir: string;
    registry: Registry;
    host: string;
    port: number;
    env: Record<string, string | undefined>;
  }): Promise<{ url: string; token?: string; tokenCreated?: boolean; tokenFile?: string; schemaRegistryUrl?: string; schemaRegistryError?: string; close(): Promise<void> }>;
}

export interface DesignerCommandOptions {
  port: number;
  host: string;
  flows: string;
  envFile?: string;
  /** Resolves when the server should close; SIGINT/SIGTERM by default. */
  until?: Promise<unknown>;
}

/**
 * `sluice designer`: serves the designer app and its API over the flows folder until SIGINT or
 * SIGTERM. Off loopback, every API call needs the token, printed here only when generated.
 */
/**
 * `runtime/` never imports `designer/` (the layering rule): the launcher is handed in by the
 * composition root, bin/sluice.js, which loads designer/server.
 */
export async function designerCommand(options: DesignerCommandOptions, registry: Registry, io: CliIO, launcher: () => Promise<DesignerLauncher>): Promise<number> {
  const { createDesignerServer } = await launcher();
  const fileEnv = options.envFile ? parseEnvFile(await readFile(options.envFile, 'utf8'), options.envFile) : {};
  const env: Record<string, string | undefined> = { ...fileEnv };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const server = await createDesignerServer({ flowsDir: options.flows, registry, host: options.host, port: options.port, env });
  io.stderr(`sluice designer: serving ${options.flows} at ${server.url}\n`);
  if (server.schemaRegistryUrl) io.stderr(`sluice designer: schema registry (Confluent API) at ${server.schemaRegistryUrl}\n`);
  if (server.schemaRegistryError) io.stderr(`sluice designer: no embedded schema registry: ${server.schemaRegistryError}\n`);
  if (server.token !== undefined) {
    if (server.tokenCreated) {
      io.stderr(`sluice designer: API token (shown once, stored in ${server.tokenFile}): ${server.token}\n`);
    } else {
      io.stderr(`sluice designer: API calls need the token stored in ${server.tokenFile}\n`);
    }
  }
  await (options.until ?? untilSignal());
  io.stderr('sluice designer: stopping\n');
  await server.close();
  return 0;
}
