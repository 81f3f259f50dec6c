import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../runtime/cli';
import { registryCommand } from '../../../runtime/cli/schema-registry';
import type { CliIO } from '../../../runtime/cli/io';

const ROOT = resolve(import.meta.dirname, '../../..');

function bufferIO(): CliIO & { out: string; err: string; onErr?: (text: string) => void } {
  const io = {
    out: '',
    err: '',
    onErr: undefined as ((text: string) => void) | undefined,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => {
      io.err += t;
      io.onErr?.(io.err);
    },
  };
  return io;
}

/** Resolves with the URL once the command prints it. */
function urlFrom(io: ReturnType<typeof bufferIO>): Promise<string> {
  return new Promise((resolveUrl) => {
    io.onErr = (text) => {
      const m = /at (http:\/\/\S+) \(store/.exec(text);
      if (m?.[1]) resolveUrl(m[1]);
    };
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-registry-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sluice registry', () => {
  it('is listed in the help and has its own', async () => {
    const io = bufferIO();
    expect(await main(['--help'], { io })).toBe(0);
    expect(io.out).toContain('registry              Serve the embedded Confluent-compatible schema registry');
    const help = bufferIO();
    expect(await main(['registry', '--help'], { io: help })).toBe(0);
    expect(help.out).toContain('Usage: sluice registry [--port 8081] [--host 127.0.0.1] [--postgres <url>] [--data <dir>]');
  });

  it('refuses wrong usage with exit 2 and the help', async () => {
    for (const args of [
      ['--postgres', 'postgres://x@127.0.0.1/db', '--data', dir],
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['--colour'],
      ['extra'],
    ]) {
      const io = bufferIO();
      expect(await main(['registry', ...args], { io }), args.join(' ')).toBe(2);
      expect(io.err).toContain('Usage: sluice registry');
    }
  });

  it('fails in one line when the store cannot be opened', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    const io = bufferIO();
    expect(await main(['registry', '--port', '0', '--data', join(file, 'registry')], { io })).toBe(1);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).toMatch(/^sluice registry: /);
  });

  it('serves the folder store until told to stop, then releases the folder', async () => {
    const io = bufferIO();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const url = urlFrom(io);
    const done = registryCommand(['--port', '0', '--data', dir], io, { until });
    const base = await url;
    expect(io.err).toContain(`(store: folder ${dir})`);
    const res = await fetch(`${base}/subjects`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    stop();
    expect(await done).toBe(0);
    expect(io.err).toContain('sluice registry: stopping');
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops cleanly on SIGTERM when run as a command', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/sluice.js'), 'registry', '--port', '0', '--data', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
        const m = /at (http:\/\/\S+) \(store/.exec(err);
        if (m?.[1]) resolveUrl(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`sluice registry exited with ${code} before serving: ${err}`)));
    });
    const res = await fetch(`${url}/config`);
    expect(await res.json()).toEqual({ compatibilityLevel: 'BACKWARD' });
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(err).toContain('sluice registry: stopping');
  });
});
