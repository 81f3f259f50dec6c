import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCompatibilityLevel, type CompatibilityLevel } from './compatibility';
import type { NewSchema, RegistryStore, StoredSchema, SubjectSummary, SubjectVersion, SubjectWriter } from './store';

/**
 * The state in memory. Maps, not objects keyed by user text: a subject named "__proto__" or
 * "constructor" must be just a subject.
 */
interface FolderState {
  /** The next global id; ids are never reused, even after a permanent delete. */
  nextId: number;
  schemas: Map<number, { schemaType: string; schema: string; canonical: string }>;
  subjects: Map<string, Array<{ version: number; id: number; deleted: boolean }>>;
  config: { global?: CompatibilityLevel; subjects: Map<string, CompatibilityLevel> };
}

/** The state file (format 1): the same data as arrays, readable in a diff. */
interface StateFile {
  format: 1;
  nextId: number;
  schemas: Array<{ id: number; schemaType: string; schema: string; canonical: string }>;
  subjects: Array<{ subject: string; versions: Array<{ version: number; id: number; deleted: boolean }> }>;
  config: { global?: string; subjects: Array<{ subject: string; compatibility: string }> };
}

const STATE_FILE = 'registry.json';
const LOCK_FILE = 'registry.lock';

function emptyState(): FolderState {
  return { nextId: 1, schemas: new Map(), subjects: new Map(), config: { subjects: new Map() } };
}

/**
 * Keeps the registry in one JSON file in a data folder. Every committed change rewrites the file
 * atomically (temp file, fsync, rename), so a crash leaves either the old or the new state,
 * never a torn one. Writes are serialised in this process; a lock file holding the pid keeps a
 * second live process from opening the same folder (a stale lock of a dead process is taken over).
 */
export class FolderStore implements RegistryStore {
  readonly description: string;
  private state: FolderState;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly dir: string,
    state: FolderState,
  ) {
    this.description = `folder ${dir}`;
    this.state = state;
  }

  /**
   * Opens (creating when missing) the data folder `dir`.
   * @throws when another live process holds the folder, or the state file is not the registry's JSON.
   */
  static async open(dir: string): Promise<FolderStore> {
    const root = resolve(dir);
    await mkdir(root, { recursive: true });
    await takeLock(join(root, LOCK_FILE));
    try {
      return new FolderStore(root, await readState(join(root, STATE_FILE)));
    } catch (err) {
      await unlink(join(root, LOCK_FILE)).catch(() => undefined);
      throw err;
    }
  }

  async subjects(): Promise<SubjectSummary[]> {
    return [...this.state.subjects]
      .filter(([, versions]) => versions.length > 0)
      .map(([subject, versions]) => ({ subject, live: versions.some((v) => !v.deleted) }));
  }

  async versions(subject: string): Promise<SubjectVersion[]> {
    return versionsOf(this.state, subject);
  }

  async schema(id: number): Promise<StoredSchema | undefined> {
    const s = this.state.schemas.get(id);
    return s ? { id, ...s } : undefined;
  }

  async usages(id: number): Promise<Array<{ subject: string; version: number; deleted: boolean }>> {
    const out: Array<{ subject: string; version: number; deleted: boolean }> = [];
    for (const [subject, versions] of this.state.subjects) {
      for (const v of versions) if (v.id === id) out.push({ subject, version: v.version, deleted: v.deleted });
    }
    return out;
  }

  async config(subject: string | null): Promise<CompatibilityLevel | undefined> {
    return subject === null ? this.state.config.global : this.state.config.subjects.get(subject);
  }

  async setConfig(subject: string | null, level: CompatibilityLevel | undefined): Promise<void> {
    await this.exclusive(async () => {
      const draft = structuredClone(this.state);
      if (subject === null) {
        if (level === undefined) delete draft.config.global;
        else draft.config.global = level;
      } else if (level === undefined) {
        draft.config.subjects.delete(subject);
      } else {
        draft.config.subjects.set(subject, level);
      }
      await this.commit(draft);
    });
  }

  async updateSubject<T>(subject: string, change: (versions: SubjectVersion[], writer: SubjectWriter) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // Changes go to a copy; the live state only moves once the file is on disk.
      const draft = structuredClone(this.state);
      let dirty = false;
      const list = () => {
        let versions = draft.subjects.get(subject);
        if (!versions) draft.subjects.set(subject, (versions = []));
        return versions;
      };
      const writer: SubjectWriter = {
        async schemaId(schema: NewSchema) {
          for (const [id, s] of draft.schemas) if (s.canonical === schema.canonical) return id;
          const id = draft.nextId++;
          draft.schemas.set(id, { schemaType: schema.schemaType, schema: schema.schema, canonical: schema.canonical });
          dirty = true;
          return id;
        },
        async addVersion(version, id) {
          if (list().some((v) => v.version === version)) throw new Error(`version ${version} of subject '${subject}' exists already`);
          list().push({ version, id, deleted: false });
          list().sort((a, b) => a.version - b.version);
          dirty = true;
        },
        async softDelete(versions) {
          for (const v of list()) if (versions.includes(v.version)) v.deleted = true;
          dirty = true;
        },
        async remove(versions) {
          const kept = list().filter((v) => !versions.includes(v.version));
          if (kept.length === 0) draft.subjects.delete(subject);
          else draft.subjects.set(subject, kept);
          const used = new Set([...draft.subjects.values()].flatMap((vs) => vs.map((v) => v.id)));
          for (const id of [...draft.schemas.keys()]) if (!used.has(id)) draft.schemas.delete(id);
          dirty = true;
        },
      };
      const result = await change(versionsOf(draft, subject), writer);
      if (dirty) await this.commit(draft);
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await unlink(join(this.dir, LOCK_FILE)).catch(() => undefined);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the registry data folder ${this.dir} is closed`));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(draft: FolderState): Promise<void> {
    await writeAtomically(join(this.dir, STATE_FILE), `${JSON.stringify(toFile(draft), null, 2)}\n`);
    this.state = draft;
  }
}

function versionsOf(state: FolderState, subject: string): SubjectVersion[] {
  return (state.subjects.get(subject) ?? []).map((v) => {
    const s = state.schemas.get(v.id);
    if (!s) throw new Error(`the registry data is inconsistent: subject '${subject}' version ${v.version} refers to missing schema ${v.id}`);
    return { subject, version: v.version, id: v.id, deleted: v.deleted, schema: { id: v.id, ...s } };
  });
}

async function readState(file: string): Promise<FolderState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); restore it from a backup or move it away to start empty`);
  }
  const data = parsed as Partial<StateFile> | null;
  if (!data || data.format !== 1 || typeof data.nextId !== 'number' || !Array.isArray(data.schemas) || !Array.isArray(data.subjects)) {
    throw new Error(`${file} is not a Sluice registry state file (format 1)`);
  }
  const state = emptyState();
  state.nextId = data.nextId;
  for (const s of data.schemas) state.schemas.set(s.id, { schemaType: s.schemaType, schema: s.schema, canonical: s.canonical });
  for (const s of data.subjects) state.subjects.set(s.subject, s.versions.map((v) => ({ version: v.version, id: v.id, deleted: v.deleted === true })));
  // Levels are re-checked so a hand-edited file cannot smuggle an unknown level in.
  const global = parseCompatibilityLevel(data.config?.global);
  if (global) state.config.global = global;
  for (const c of data.config?.subjects ?? []) {
    const level = parseCompatibilityLevel(c.compatibility);
    if (level) state.config.subjects.set(c.subject, level);
  }
  return state;
}

function toFile(state: FolderState): StateFile {
  return {
    format: 1,
    nextId: state.nextId,
    schemas: [...state.schemas].map(([id, s]) => ({ id, ...s })),
    subjects: [...state.subjects].map(([subject, versions]) => ({ subject, versions })),
    config: {
      ...(state.config.global ? { global: state.config.global } : {}),
      subjects: [...state.config.subjects].map(([subject, compatibility]) => ({ subject, compatibility })),
    },
  };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  // The rename is durable only once the directory entry is.
  const dir = await open(join(file, '..'), 'r');
  try {
    await dir.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await dir.close();
  }
}

async function takeLock(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(`the registry data folder is in use by process ${pid} (${lockFile}); stop that registry first, or delete the lock file if no registry runs`);
    }
    // A registry that died without closing left its lock behind.
    await unlink(lockFile).catch(() => undefined);
  }
  throw new Error(`could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
