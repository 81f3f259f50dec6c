import { dirname, join, resolve } from 'node:path';
import { FolderStore } from './folder-store';
import { PostgresStore } from './postgres-store';
import type { RegistryStore } from './store';

export { canonicalAvro, InvalidAvroError, parseAvro, type ParsedAvro } from './avro';
export {
  checkCompatibility,
  COMPATIBILITY_LEVELS,
  DEFAULT_COMPATIBILITY,
  parseCompatibilityLevel,
  type CompatibilityLevel,
  type CompatibilityOptions,
  type CompatibilityResult,
  type ExistingSchema,
  type SchemaInput,
} from './compatibility';
export { ErrorCode, RegistryError } from './errors';
export { describeType, explainIncompatibility, type Direction } from './explain';
export { FolderStore } from './folder-store';
export { PostgresStore, type PostgresStoreOptions } from './postgres-store';
export { EmbeddedRegistry, parseVersion, type SchemaRequest, type SubjectVersionView, type VersionSpec } from './registry';
export { createRegistryApp, createRegistryServer, REGISTRY_MEDIA_TYPE, type RegistryAppOptions, type RegistryServer, type RegistryServerOptions } from './server';
export type { NewSchema, RegistryStore, StoredSchema, SubjectSummary, SubjectVersion, SubjectWriter } from './store';

/**
 * The default data folder: `.sluice/registry` beside the flows folder (as the designer keeps
 * `.sluice/designer-token`), or in the working directory when there is no flows folder.
 */
export function defaultDataDir(flowsDir?: string): string {
  return flowsDir === undefined ? resolve('.sluice', 'registry') : join(dirname(resolve(flowsDir)), '.sluice', 'registry');
}

/**
 * Opens the store a registry command asks for: PostgreSQL when `postgres` is a URL, else the
 * data folder `dataDir` (default `defaultDataDir()`).
 * @throws when both are given, or the store cannot be opened.
 */
export async function openRegistryStore(options: { postgres?: string; dataDir?: string }): Promise<RegistryStore> {
  if (options.postgres !== undefined && options.dataDir !== undefined) throw new Error('choose one store: --postgres <url> or --data <dir>, not both');
  if (options.postgres !== undefined) return PostgresStore.open({ connectionString: options.postgres });
  return FolderStore.open(options.dataDir ?? defaultDataDir());
}
