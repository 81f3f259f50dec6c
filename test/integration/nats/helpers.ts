import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { testEnv, uniqueName } from '../env';
import { freePort, waitFor } from '../kit';

export interface Admin {
  nc: NatsConnection;
  jsm: JetStreamManager;
  servers: string[];
  /** A fresh stream named like a slug, storing `<name>` and `<name>.>`; returns the name (also its subject). */
  stream(prefix?: string, options?: { duplicateWindowMs?: number }): Promise<string>;
  close(): Promise<void>;
}

/** A management connection to the test server (through the client library, not through Sluice). */
export async function admin(servers: string[] = testEnv().nats.servers): Promise<Admin> {
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  const created: string[] = [];
  return {
    nc,
    jsm,
    servers,
    async stream(prefix = 'st', options = {}) {
      const name = uniqueName(prefix);
      await jsm.streams.add({
        name,
        subjects: [name, `${name}.>`],
        ...(options.duplicateWindowMs ? { duplicate_window: options.duplicateWindowMs * 1_000_000 } : {}),
      });
      created.push(name);
      return name;
    },
    async close() {
      for (const s of created) await jsm.streams.delete(s).catch(() => undefined);
      await nc.close();
    },
  };
}

/**
 * A nats-server of this test's own (for restarts and authentication), on a free loopback port
 * with JetStream in a temp dir that survives restarts. Stopped by pid.
 */
export class OwnServer {
  private proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'sluice-nats-own-'));

  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  static async start(args: string[] = []): Promise<OwnServer> {
    const s = new OwnServer(await freePort(), args);
    await s.up();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const bin = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => existsSync(p)) ?? 'nats-server';
    const proc = spawn(bin, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir, ...this.args], { stdio: 'ignore' });
    this.proc = proc;
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`nats-server on port ${this.port} exited with ${code} while starting`))));
    exited.catch(() => undefined);
    await Promise.race([
      waitFor(`nats-server on port ${this.port} to accept connections`, () => portOpen(this.port), { timeoutMs: 20_000 }),
      exited,
    ]);
  }

  /** Stops the server (SIGTERM, then waits for the process to exit). */
  async down(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}
