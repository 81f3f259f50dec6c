import { createHash } from 'node:crypto';
import pg from 'pg';
import { parseCompatibilityLevel, type CompatibilityLevel } from './compatibility';
import type { NewSchema, RegistryStore, StoredSchema, SubjectSummary, SubjectVersion, SubjectWriter } from './store';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Prefix of the three tables it creates when missing; `sluice_registry` by default. */
  tablePrefix?: string;
  /** Largest number of connections; 4 by default. */
  maxConnections?: number;
}

const GLOBAL_SCOPE = 'global';
const subjectScope = (subject: string) => `subject:${subject}`;

interface VersionRow {
  subject: string;
  version: number;
  schema_id: number;
  deleted: boolean;
  schema_type: string;
  schema: string;
  canonical: string;
}

/**
 * Keeps the registry in PostgreSQL: `<prefix>_schemas` (global ids, text, canonical form and
 * its SHA-256, unique), `<prefix>_versions` (subject, version, id; primary key on subject and
 * version) and `<prefix>_config`. Each subject update is one transaction holding a
 * transaction-scoped advisory lock on the subject, so concurrent registrations of one subject
 * (from this process or another registry on the same database) take versions one after the
 * other; the primary key refuses a duplicate version should anything slip past the lock.
 */
export class PostgresStore implements RegistryStore {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly t: { schemas: string; versions: string; config: string; prefix: string };
  private closed = false;

  private constructor(options: PostgresStoreOptions) {
    const prefix = options.tablePrefix ?? 'sluice_registry';
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`the table prefix "${prefix}" must be lowercase letters, digits and underscores`);
    this.t = { schemas: `${prefix}_schemas`, versions: `${prefix}_versions`, config: `${prefix}_config`, prefix };
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.description = `PostgreSQL ${describeUrl(options.connectionString)}`;
  }

  /**
   * Connects and creates the tables when missing.
   * @throws when the database cannot be reached or the tables cannot be created.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.migrate();
    } catch (err) {
      await store.pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // Two registries starting together must not both run CREATE TABLE (that races in the catalog).
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`${this.t.prefix}:migrate`]);
      try {
        await client.query(`
          CREATE TABLE IF NOT EXISTS ${this.t.schemas} (
            id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            schema_type TEXT NOT NULL,
            schema TEXT NOT NULL,
            canonical TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE
          );
          CREATE TABLE IF NOT EXISTS ${this.t.versions} (
            subject TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version > 0),
            schema_id INTEGER NOT NULL REFERENCES ${this.t.schemas} (id),
            deleted BOOLEAN NOT NULL DEFAULT FALSE,
            PRIMARY KEY (subject, version)
          );
          CREATE INDEX IF NOT EXISTS ${this.t.versions}_schema_id ON ${this.t.versions} (schema_id);
          CREATE TABLE IF NOT EXISTS ${this.t.config} (
            scope TEXT PRIMARY KEY,
            compatibility TEXT NOT NULL
          );`);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`${this.t.prefix}:migrate`]);
      }
    } finally {
      client.release();
    }
  }

  async subjects(): Promise<SubjectSummary[]> {
    const { rows } = await this.pool.query<{ subject: string; live: boolean }>(
      `SELECT subject, bool_or(NOT deleted) AS live FROM ${this.t.versions} GROUP BY subject ORDER BY subject`,
    );
    return rows.map((r) => ({ subject: r.subject, live: r.live }));
  }

  async versions(subject: string): Promise<SubjectVersion[]> {
    return this.readVersions(this.pool, subject);
  }

  private async readVersions(db: pg.Pool | pg.PoolClient, subject: string): Promise<SubjectVersion[]> {
    const { rows } = await db.query<VersionRow>(
      `SELECT v.subject, v.version, v.schema_id, v.deleted, s.schema_type, s.schema, s.canonical
         FROM ${this.t.versions} v JOIN ${this.t.schemas} s ON s.id = v.schema_id
        WHERE v.subject = $1 ORDER BY v.version`,
      [subject],
    );
    return rows.map((r) => ({
      subject: r.subject,
      version: r.version,
      id: r.schema_id,
      deleted: r.deleted,
      schema: { id: r.schema_id, schemaType: r.schema_type, schema: r.schema, canonical: r.canonical },
    }));
  }

  async schema(id: number): Promise<StoredSchema | undefined> {
    const { rows } = await this.pool.query<{ id: number; schema_type: string; schema: string; canonical: string }>(
      `SELECT id, schema_type, schema, canonical FROM ${this.t.schemas} WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, schemaType: r.schema_type, schema: r.schema, canonical: r.canonical } : undefined;
  }

  async usages(id: number): Promise<Array<{ subject: string; version: number; deleted: boolean }>> {
    const { rows } = await this.pool.query<{ subject: string; version: number; deleted: boolean }>(
      `SELECT subject, version, deleted FROM ${this.t.versions} WHERE schema_id = $1 ORDER BY subject, version`,
      [id],
    );
    return rows;
  }

  async config(subject: string | null): Promise<CompatibilityLevel | undefined> {
    const { rows } = await this.pool.query<{ compatibility: string }>(`SELECT compatibility FROM ${this.t.config} WHERE scope = $1`, [
      subject === null ? GLOBAL_SCOPE : subjectScope(subject),
    ]);
    return rows[0] ? parseCompatibilityLevel(rows[0].compatibility) : undefined;
  }

  async setConfig(subject: string | null, level: CompatibilityLevel | undefined): Promise<void> {
    const scope = subject === null ? GLOBAL_SCOPE : subjectScope(subject);
    if (level === undefined) {
      await this.pool.query(`DELETE FROM ${this.t.config} WHERE scope = $1`, [scope]);
    } else {
      await this.pool.query(
        `INSERT INTO ${this.t.config} (scope, compatibility) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET compatibility = EXCLUDED.compatibility`,
        [scope, level],
      );
    }
  }

  async updateSubject<T>(subject: string, change: (versions: SubjectVersion[], writer: SubjectWriter) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the registry store is closed');
    const client = await this.pool.connect();
    const t = this.t;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [t.prefix, subject]);
      const writer: SubjectWriter = {
        async schemaId(schema: NewSchema) {
          const fingerprint = createHash('sha256').update(schema.canonical).digest('hex');
          const found = await client.query<{ id: number }>(`SELECT id FROM ${t.schemas} WHERE fingerprint = $1`, [fingerprint]);
          if (found.rows[0]) return found.rows[0].id;
          // Another subject may be storing the same schema right now: its insert wins, we read its id.
          const inserted = await client.query<{ id: number }>(
            `INSERT INTO ${t.schemas} (schema_type, schema, canonical, fingerprint) VALUES ($1, $2, $3, $4)
             ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
            [schema.schemaType, schema.schema, schema.canonical, fingerprint],
          );
          if (inserted.rows[0]) return inserted.rows[0].id;
          const again = await client.query<{ id: number }>(`SELECT id FROM ${t.schemas} WHERE fingerprint = $1`, [fingerprint]);
          if (!again.rows[0]) throw new Error('a schema stored by a concurrent registration vanished');
          return again.rows[0].id;
        },
        async addVersion(version, id) {
          await client.query(`INSERT INTO ${t.versions} (subject, version, schema_id) VALUES ($1, $2, $3)`, [subject, version, id]);
        },
        async softDelete(versions) {
          await client.query(`UPDATE ${t.versions} SET deleted = TRUE WHERE subject = $1 AND version = ANY($2::int[])`, [subject, [...versions]]);
        },
        async remove(versions) {
          const { rows } = await client.query<{ schema_id: number }>(
            `DELETE FROM ${t.versions} WHERE subject = $1 AND version = ANY($2::int[]) RETURNING schema_id`,
            [subject, [...versions]],
          );
          const ids = [...new Set(rows.map((r) => r.schema_id))];
          // A schema still used by another subject stays; the identity column never hands its id out again.
          if (ids.length > 0) {
            await client.query(
              `DELETE FROM ${t.schemas} s WHERE s.id = ANY($1::int[]) AND NOT EXISTS (SELECT 1 FROM ${t.versions} v WHERE v.schema_id = s.id)`,
              [ids],
            );
          }
        },
      };
      const result = await change(await this.readVersions(client, subject), writer);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** host:port/database, never the password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(connection string)';
  }
}
