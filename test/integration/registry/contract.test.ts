import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { FolderStore } from '../../../runtime/registry/folder-store';
import { PostgresStore } from '../../../runtime/registry/postgres-store';
import { createRegistryServer, type RegistryServer } from '../../../runtime/registry/server';
import { registryContract } from './contract';
import { freshDatabase } from './postgres';

// The registry contract against the embedded registry over each store, and against any other
// Confluent-compatible registry given as SLUICE_REGISTRY_URL (for example Confluent's own, to
// check the suite itself).

describe('embedded registry, folder store', () => {
  let dir: string;
  let server: RegistryServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-registry-contract-'));
    server = await createRegistryServer({ store: await FolderStore.open(dir) });
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  registryContract('embedded, folder store', { url: () => server.url, sluice: true });
});

describe('embedded registry, PostgreSQL store', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RegistryServer;
  beforeAll(async () => {
    db = await freshDatabase();
    server = await createRegistryServer({ store: await PostgresStore.open({ connectionString: db.url }) });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  registryContract('embedded, PostgreSQL store', { url: () => server.url, sluice: true });
});

const external = process.env.SLUICE_REGISTRY_URL;
if (external) registryContract(`external registry at ${external}`, { url: () => external.replace(/\/$/, '') });
