import { createHash, randomBytes } from 'node:crypto';
import { link, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SLUG_PATTERN } from '../../shared/flow/document';

/** A flow id that may name a file in the flows folder: the slug pattern, nothing else. */
export function isFlowId(id: unknown): id is string {
  return typeof id === 'string' && SLUG_PATTERN.test(id);
}

export function etagOf(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `"abc"`, `W/"abc"` and `abc` all name the etag `abc`. */
export function normaliseEtag(header: string): string {
  return header.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export interface StoredFlow {
  id: string;
  text: string;
  etag: string;
}

/**
 * The flows folder: one `<id>.flow.json` per flow. Every path is built from an id that matched
 * the slug pattern, so nothing outside the folder is ever named. Writes are atomic (temp file in
 * the same folder, then rename); creation never replaces an existing file (link, which fails
 * when the target exists).
 */
export class FlowStore {
  constructor(readonly dir: string) {}

  path(id: string): string {
    if (!isFlowId(id)) throw new Error(`not a flow id: ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.flow.json`);
  }

  async ids(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names
      .filter((n) => n.endsWith('.flow.json'))
      .map((n) => n.slice(0, -'.flow.json'.length))
      .filter(isFlowId)
      .sort();
  }

  /** The file's text and etag, or undefined when there is no such flow. */
  async read(id: string): Promise<StoredFlow | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return { id, text: bytes.toString('utf8'), etag: etagOf(bytes) };
  }

  /** Creates the file; false when it already exists. */
  async create(id: string, text: string): Promise<boolean> {
    const temp = await this.writeTemp(id, text);
    try {
      await link(temp, this.path(id));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Replaces the file atomically. */
  async replace(id: string, text: string): Promise<void> {
    const temp = await this.writeTemp(id, text);
    try {
      await rename(temp, this.path(id));
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  /** False when there was no such file. */
  async remove(id: string): Promise<boolean> {
    try {
      await unlink(this.path(id));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  private async writeTemp(id: string, text: string): Promise<string> {
    // A dot file does not end in .flow.json, so a crash never leaves a half flow in the list.
    const temp = join(this.dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temp, text, { flag: 'wx', mode: 0o644 });
    return temp;
  }
}

/** Runs tasks per key one after another, so check-then-write sequences do not interleave. */
export class KeyedLock {
  private tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
