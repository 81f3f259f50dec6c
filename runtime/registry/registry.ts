import { InvalidAvroError, parseAvro, type ParsedAvro } from './avro';
import { checkCompatibility, DEFAULT_COMPATIBILITY, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility';
import { errors, ErrorCode, RegistryError } from './errors';
import type { RegistryStore, SubjectVersion } from './store';

/** The body of a registration, lookup or compatibility check, as Confluent clients send it. */
export interface SchemaRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
  [key: string]: unknown;
}

/** A subject version as GET /subjects/{s}/versions/{v} and lookups return it. */
export interface SubjectVersionView {
  subject: string;
  id: number;
  version: number;
  schema: string;
  /** Left out for AVRO, as Confluent does. */
  schemaType?: string;
}

/** `latest`, or a version number. */
export type VersionSpec = number | 'latest';

const MAX_VERSION = 2 ** 31 - 1;

/**
 * Parses a version path segment: "latest", "-1" (Confluent's alias for latest) or 1..2^31-1.
 * @throws RegistryError 42202 otherwise.
 */
export function parseVersion(text: string): VersionSpec {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'latest' || trimmed === '-1') return 'latest';
  if (!/^\d+$/.test(trimmed)) throw errors.invalidVersion(text);
  const n = Number(trimmed);
  if (n < 1 || n > MAX_VERSION) throw errors.invalidVersion(text);
  return n;
}

/**
 * The embedded schema registry without HTTP: the Confluent Schema Registry semantics over a
 * `RegistryStore`. The HTTP server (server.ts) is a thin layer over it, and in-process callers
 * (the validator, connectors) can use it directly. Every method rejects with a `RegistryError`
 * carrying Confluent's error code; a failing store becomes 50001.
 */
export class EmbeddedRegistry {
  constructor(readonly store: RegistryStore) {}

  /**
   * Registers a schema under a subject (POST /subjects/{s}/versions). The same schema again
   * (compared in canonical form) returns the existing id without a new version; the same
   * schema under another subject reuses its global id. The new schema must be compatible with
   * the subject's non-deleted versions under the subject's level (else the global one).
   * @throws RegistryError 42201 invalid schema or unsupported type, 409 incompatible, 50001 store.
   */
  async register(subject: string, request: SchemaRequest): Promise<{ id: number }> {
    const parsed = this.parseRequest(request);
    if (request.id !== undefined && request.id !== null) {
      throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, 'Registering a schema under a given id needs IMPORT mode, which the embedded registry does not offer');
    }
    const level = await this.effectiveLevel(subject);
    return this.guard(() =>
      this.store.updateSubject(subject, async (versions, writer) => {
        const live = versions.filter((v) => !v.deleted);
        const same = live.find((v) => v.schema.canonical === parsed.canonical);
        if (same) return { id: same.id };
        const result = checkCompatibility(
          level,
          parsed.type,
          live.map((v) => ({ schema: v.schema.schema, version: v.version })),
          { subject },
        );
        if (!result.compatible) throw errors.incompatible(subject, result.messages);
        const id = await writer.schemaId({ schemaType: 'AVRO', schema: request.schema as string, canonical: parsed.canonical });
        // Soft-deleted versions keep their numbers: a new version follows the highest ever kept.
        const version = versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
        await writer.addVersion(version, id);
        return { id };
      }),
    );
  }

  /**
   * Finds a schema under a subject (POST /subjects/{s}): the version whose schema is the same
   * in canonical form. With `deleted`, soft-deleted versions count too.
   * @throws RegistryError 40401 no such subject, 40403 not under this subject, 42201 invalid schema.
   */
  async lookup(subject: string, request: SchemaRequest, options: { deleted?: boolean } = {}): Promise<SubjectVersionView> {
    const parsed = this.parseRequest(request);
    const versions = await this.visibleVersions(subject, options.deleted === true);
    // The latest match, as Confluent answers when a schema was registered, deleted and registered again.
    const match = [...versions].reverse().find((v) => v.schema.canonical === parsed.canonical);
    if (!match) throw errors.schemaNotFound();
    return view(match);
  }

  /** Subject names (GET /subjects); with `deleted`, soft-deleted subjects too. */
  async subjects(options: { deleted?: boolean; prefix?: string } = {}): Promise<string[]> {
    const all = await this.guard(() => this.store.subjects());
    return all
      .filter((s) => s.live || options.deleted === true)
      .map((s) => s.subject)
      .filter((s) => options.prefix === undefined || s.startsWith(options.prefix))
      .sort();
  }

  /** Version numbers of a subject (GET /subjects/{s}/versions). @throws RegistryError 40401 */
  async versions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    return (await this.visibleVersions(subject, options.deleted === true)).map((v) => v.version);
  }

  /**
   * One version (GET /subjects/{s}/versions/{v}); `latest` is the highest non-deleted version.
   * @throws RegistryError 40401 no such subject, 40402 no such version.
   */
  async version(subject: string, version: VersionSpec, options: { deleted?: boolean } = {}): Promise<SubjectVersionView> {
    return view(await this.findVersion(subject, version, options.deleted === true));
  }

  /** A schema by global id (GET /schemas/ids/{id}). @throws RegistryError 40403 */
  async schemaById(id: number): Promise<{ schema: string; schemaType?: string }> {
    const stored = await this.guard(() => this.store.schema(id));
    if (!stored) throw errors.schemaNotFound(id);
    return stored.schemaType === 'AVRO' ? { schema: stored.schema } : { schema: stored.schema, schemaType: stored.schemaType };
  }

  /** Subject versions using a schema id (GET /schemas/ids/{id}/versions). @throws RegistryError 40403 */
  async versionsOfSchema(id: number, options: { deleted?: boolean } = {}): Promise<Array<{ subject: string; version: number }>> {
    if (!(await this.guard(() => this.store.schema(id)))) throw errors.schemaNotFound(id);
    const usages = await this.guard(() => this.store.usages(id));
    return usages
      .filter((u) => !u.deleted || options.deleted === true)
      .map((u) => ({ subject: u.subject, version: u.version }))
      .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  /** Subjects using a schema id (GET /schemas/ids/{id}/subjects). @throws RegistryError 40403 */
  async subjectsOfSchema(id: number, options: { deleted?: boolean } = {}): Promise<string[]> {
    const versions = await this.versionsOfSchema(id, options);
    return [...new Set(versions.map((v) => v.subject))].sort();
  }

  /**
   * Deletes a subject (DELETE /subjects/{s}): soft by default (versions stay readable by id and
   * with `deleted=true`), for good with `permanent` after a soft delete. Resolves with the
   * versions deleted.
   * @throws RegistryError 40401 no such subject, 40404 already soft-deleted (without permanent),
   * 40405 permanent before soft.
   */
  async deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    return this.guard(() =>
      this.store.updateSubject(subject, async (versions, writer) => {
        if (versions.length === 0) throw errors.subjectNotFound(subject);
        const live = versions.filter((v) => !v.deleted);
        if (options.permanent) {
          if (live.length > 0) throw errors.subjectNotSoftDeleted(subject);
          const all = versions.map((v) => v.version);
          await writer.remove(all);
          return all;
        }
        if (live.length === 0) throw errors.subjectSoftDeleted(subject);
        const numbers = live.map((v) => v.version);
        await writer.softDelete(numbers);
        return numbers;
      }),
    );
  }

  /**
   * Deletes one version (DELETE /subjects/{s}/versions/{v}), soft unless `permanent` (which
   * needs a soft delete first). `latest` is the highest non-deleted version, or with
   * `permanent` the highest version. Resolves with the version number.
   * @throws RegistryError 40401, 40402, 40406 already soft-deleted, 40407 permanent before soft.
   */
  async deleteVersion(subject: string, version: VersionSpec, options: { permanent?: boolean } = {}): Promise<number> {
    return this.guard(() =>
      this.store.updateSubject(subject, async (versions, writer) => {
        // A numbered version is found even when soft-deleted, so deleting it twice says so (40406).
        const target = pickVersion(subject, versions, version, version !== 'latest' || options.permanent === true);
        if (options.permanent) {
          if (!target.deleted) throw errors.versionNotSoftDeleted(subject, target.version);
          await writer.remove([target.version]);
        } else {
          if (target.deleted) throw errors.versionSoftDeleted(subject, target.version);
          await writer.softDelete([target.version]);
        }
        return target.version;
      }),
    );
  }

  /** The global level (GET /config). */
  async globalCompatibility(): Promise<CompatibilityLevel> {
    return (await this.guard(() => this.store.config(null))) ?? DEFAULT_COMPATIBILITY;
  }

  /** Sets the global level (PUT /config). @throws RegistryError 42203 */
  async setGlobalCompatibility(level: unknown): Promise<CompatibilityLevel> {
    const parsed = parseCompatibilityLevel(level);
    if (!parsed) throw errors.invalidCompatibilityLevel(level);
    await this.guard(() => this.store.setConfig(null, parsed));
    return parsed;
  }

  /** Resets the global level to BACKWARD (DELETE /config); resolves with the level it had. */
  async resetGlobalCompatibility(): Promise<CompatibilityLevel> {
    const before = await this.globalCompatibility();
    await this.guard(() => this.store.setConfig(null, undefined));
    return before;
  }

  /**
   * A subject's own level (GET /config/{s}); with `defaultToGlobal`, the global level when it
   * has none. @throws RegistryError 40408 when the subject has no level of its own.
   */
  async subjectCompatibility(subject: string, options: { defaultToGlobal?: boolean } = {}): Promise<CompatibilityLevel> {
    const own = await this.guard(() => this.store.config(subject));
    if (own) return own;
    if (options.defaultToGlobal) return this.globalCompatibility();
    throw errors.subjectCompatibilityNotConfigured(subject);
  }

  /** Sets a subject's level (PUT /config/{s}); allowed before the subject has versions. @throws RegistryError 42203 */
  async setSubjectCompatibility(subject: string, level: unknown): Promise<CompatibilityLevel> {
    const parsed = parseCompatibilityLevel(level);
    if (!parsed) throw errors.invalidCompatibilityLevel(level);
    await this.guard(() => this.store.setConfig(subject, parsed));
    return parsed;
  }

  /**
   * Removes a subject's own level (DELETE /config/{s}), so the global one applies; resolves
   * with the level it had. @throws RegistryError 40401 when the subject has neither versions nor a level.
   */
  async deleteSubjectCompatibility(subject: string): Promise<CompatibilityLevel> {
    const own = await this.guard(() => this.store.config(subject));
    if (!own) {
      const versions = await this.guard(() => this.store.versions(subject));
      if (versions.length === 0) throw errors.subjectNotFound(subject);
      return this.globalCompatibility();
    }
    await this.guard(() => this.store.setConfig(subject, undefined));
    return own;
  }

  /** The level that applies to a subject: its own, else the global one. */
  async effectiveLevel(subject: string): Promise<CompatibilityLevel> {
    return this.guard(async () => (await this.store.config(subject)) ?? (await this.store.config(null)) ?? DEFAULT_COMPATIBILITY);
  }

  /**
   * Tests a schema against one version of a subject (POST /compatibility/subjects/{s}/versions/{v})
   * under the subject's level, or without `version` against the versions that level names
   * (all non-deleted ones for _TRANSITIVE levels, else the latest). A subject without versions
   * accepts any schema when no version is named.
   * @throws RegistryError 40401, 40402, 42201 invalid schema.
   */
  async testCompatibility(subject: string, version: VersionSpec | undefined, request: SchemaRequest): Promise<{ is_compatible: boolean; messages: string[] }> {
    const parsed = this.parseRequest(request);
    const level = await this.effectiveLevel(subject);
    let against: SubjectVersion[];
    if (version === undefined) {
      against = (await this.guard(() => this.store.versions(subject))).filter((v) => !v.deleted);
    } else {
      against = [await this.findVersion(subject, version, false)];
    }
    const result = checkCompatibility(
      level,
      parsed.type,
      against.map((v) => ({ schema: v.schema.schema, version: v.version })),
      { subject },
    );
    return { is_compatible: result.compatible, messages: result.messages };
  }

  /** Releases the store. */
  async close(): Promise<void> {
    await this.store.close();
  }

  private parseRequest(request: SchemaRequest): ParsedAvro {
    if (typeof request !== 'object' || request === null) throw errors.invalidSchema('send a JSON object with a "schema" string');
    const type = request.schemaType === undefined || request.schemaType === null ? 'AVRO' : request.schemaType;
    if (typeof type !== 'string' || type.toUpperCase() !== 'AVRO') {
      throw errors.invalidSchema(`schema type ${JSON.stringify(type)} is not supported by the embedded registry; only AVRO is`);
    }
    if (Array.isArray(request.references) && request.references.length > 0) {
      throw errors.invalidSchema('schema references are not supported by the embedded registry; inline the referenced types');
    }
    for (const key of ['metadata', 'ruleSet'] as const) {
      const value = request[key];
      if (value !== undefined && value !== null && !(typeof value === 'object' && Object.keys(value).length === 0)) {
        throw errors.invalidSchema(`"${key}" (data contracts) is not supported by the embedded registry`);
      }
    }
    const text = request.schema;
    if (typeof text !== 'string' || text.trim() === '') throw errors.invalidSchema('the request needs a "schema" string holding the Avro schema JSON');
    try {
      return parseAvro(text);
    } catch (err) {
      if (err instanceof InvalidAvroError) throw errors.invalidSchema(err.message);
      throw err;
    }
  }

  private async visibleVersions(subject: string, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const versions = (await this.guard(() => this.store.versions(subject))).filter((v) => includeDeleted || !v.deleted);
    if (versions.length === 0) throw errors.subjectNotFound(subject);
    return versions;
  }

  private async findVersion(subject: string, version: VersionSpec, includeDeleted: boolean): Promise<SubjectVersion> {
    const versions = await this.guard(() => this.store.versions(subject));
    return pickVersion(subject, versions, version, includeDeleted);
  }

  /** Runs a store call, turning anything but a RegistryError into 50001. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      throw errors.store(err);
    }
  }
}

function pickVersion(subject: string, versions: SubjectVersion[], version: VersionSpec, includeDeleted: boolean): SubjectVersion {
  const visible = versions.filter((v) => includeDeleted || !v.deleted);
  if (visible.length === 0) throw errors.subjectNotFound(subject);
  const found = version === 'latest' ? visible[visible.length - 1] : visible.find((v) => v.version === version);
  if (!found) throw errors.versionNotFound(version);
  return found;
}

function view(v: SubjectVersion): SubjectVersionView {
  const out: SubjectVersionView = { subject: v.subject, version: v.version, id: v.id, schema: v.schema.schema };
  if (v.schema.schemaType !== 'AVRO') out.schemaType = v.schema.schemaType;
  return out;
}
