import type { CompatibilityLevel } from './compatibility';

/** A schema under its global id. */
export interface StoredSchema {
  id: number;
  /** Only AVRO today; kept so other types can be added without a store migration. */
  schemaType: string;
  /** The text as first registered, returned by GET requests. */
  schema: string;
  /** What registrations compare (see avro.ts). */
  canonical: string;
}

/** One version of a subject, with its schema. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  deleted: boolean;
  schema: StoredSchema;
}

export interface SubjectSummary {
  subject: string;
  /** False when every version is soft-deleted. */
  live: boolean;
}

/** A schema to store: the store gives it an id, or the id of an equal canonical schema it holds. */
export interface NewSchema {
  schemaType: string;
  schema: string;
  canonical: string;
}

/**
 * Writes to one subject inside `RegistryStore.updateSubject`; nothing is visible to others (or
 * durable) until the update's function resolves, and nothing is written if it throws.
 */
export interface SubjectWriter {
  /** The id of the schema with this canonical form (in any subject), storing it under a new id when there is none. */
  schemaId(schema: NewSchema): Promise<number>;
  addVersion(version: number, id: number): Promise<void>;
  softDelete(versions: readonly number[]): Promise<void>;
  /** Removes versions for good; a schema no version refers to any more goes too (its id is never reused). */
  remove(versions: readonly number[]): Promise<void>;
}

/**
 * Where the registry keeps subjects, versions, schemas and config: a data folder
 * (`FolderStore`) or PostgreSQL (`PostgresStore`). Reads see only committed updates. Every
 * method rejects with the store's own error when the backend fails; the registry reports that
 * as 50001.
 */
export interface RegistryStore {
  /** For logs and the CLI: "folder /path" or "PostgreSQL host:port/db". */
  readonly description: string;
  subjects(): Promise<SubjectSummary[]>;
  /** Every version of the subject (soft-deleted too), ascending; empty when it has none. */
  versions(subject: string): Promise<SubjectVersion[]>;
  schema(id: number): Promise<StoredSchema | undefined>;
  /** The subject versions (soft-deleted too) that use schema `id`. */
  usages(id: number): Promise<Array<{ subject: string; version: number; deleted: boolean }>>;
  /** The level of one subject, or the global one for `null`; undefined when not set. */
  config(subject: string | null): Promise<CompatibilityLevel | undefined>;
  /** Sets (or with undefined, removes) the level of one subject, or the global one for `null`. */
  setConfig(subject: string | null, level: CompatibilityLevel | undefined): Promise<void>;
  /**
   * Runs `change` with the subject's versions and a writer, excluding every other update of the
   * same subject until it settles (two registrations cannot both take version N), and commits
   * its writes atomically when it resolves. Resolves with what `change` resolved with.
   */
  updateSubject<T>(subject: string, change: (versions: SubjectVersion[], writer: SubjectWriter) => Promise<T>): Promise<T>;
  /** Releases files, locks or connections. Idempotent. */
  close(): Promise<void>;
}
