import { createHash, createHmac } from 'node:crypto';
import { createReadStream, mkdirSync, openSync, closeSync, writeSync, fstatSync, renameSync, existsSync, unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  Appender,
  Clock,
  CryptoProvider,
  FileAccess,
  HttpClient,
  LineWriter,
  Logger,
} from '../../shared/node-kit/runtime';

/** Real implementations of the RuntimeContext services, for the engine and for tests. */

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    if (signal?.aborted) return;
    try {
      await delay(ms, undefined, { signal });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  },
};

export const nodeCrypto: CryptoProvider = {
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest('hex'),
  sha256: (data) => createHash('sha256').update(data).digest('hex'),
};

export const globalHttp: HttpClient = {
  fetch: (url, init) => fetch(url, init),
};

export const stdoutLines: LineWriter = {
  writeLine(line) {
    process.stdout.write(`${line}\n`);
  },
};

/** Drops every line: for benchmarks and harnesses whose output is the figures, not the logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Structured logs as JSON lines on stderr (stdout belongs to `core.log`). Known secret values
 * are replaced by `***` before anything is written.
 */
export function jsonLogger(base: Record<string, unknown> = {}, scrub: (s: string) => string = (s) => s, level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = { debug: 10, info: 20, warn: 30, error: 40 };
  const write = (lvl: keyof typeof order, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields });
    process.stderr.write(`${scrub(line)}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export function nodeFiles(baseDir: string): FileAccess {
  const resolve = (p: string) => (isAbsolute(p) ? p : resolvePath(baseDir, p));
  return {
    resolve,
    readText: (p) => readFile(resolve(p), 'utf8'),
    async *readLines(p, signal) {
      const stream = createReadStream(resolve(p), { encoding: 'utf8' });
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      try {
        for await (const line of rl) {
          if (signal?.aborted) break;
          yield line;
        }
      } finally {
        rl.close();
        stream.destroy();
      }
    },
    openAppender: (p, options) => new FileAppender(resolve(p), options?.rotateBytes, options?.maxFiles ?? 5),
  };
}

/**
 * Appends with group commit: text is buffered and written with one write call per tick, and
 * every append's promise resolves after its bytes reached the file. Rotation renames
 * `f` to `f.1` (shifting older ones up to `maxFiles`) when the next write would exceed the size.
 */
class FileAppender implements Appender {
  private fd: number;
  private size: number;
  private pending: string[] = [];
  /** One promise per group-commit batch, shared by every append in it. */
  private batch: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly rotateBytes: number | undefined,
    private readonly maxFiles: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  append(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`file ${this.path} is closed`));
    this.pending.push(text);
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.batch = { promise, resolve, reject };
      setImmediate(() => this.drain());
    }
    return this.batch.promise;
  }

  private drain(): void {
    const texts = this.pending;
    const batch = this.batch;
    this.pending = [];
    this.batch = undefined;
    if (!batch) return;
    try {
      if (this.rotateBytes) {
        for (const t of texts) this.writeRotating(t);
      } else {
        const data = texts.join('');
        writeSync(this.fd, data);
        this.size += Buffer.byteLength(data);
      }
      batch.resolve();
    } catch (err) {
      batch.reject(err as Error);
    }
  }

  private writeRotating(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > (this.rotateBytes as number)) this.rotate();
    writeSync(this.fd, text);
    this.size += bytes;
  }

  private rotate(): void {
    closeSync(this.fd);
    const oldest = `${this.path}.${this.maxFiles}`;
    if (existsSync(oldest)) unlinkSync(oldest);
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }

  async flush(): Promise<void> {
    if (this.batch) this.drain();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
