import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../runtime/registry/folder-store';
import { EmbeddedRegistry } from '../../../runtime/registry/registry';

const schema = (name: string) => JSON.stringify({ type: 'record', name, fields: [{ name: 'id', type: 'string' }] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-registry-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FolderStore', () => {
  it('keeps subjects, versions, ids, deletes and config across a reopen', async () => {
    const first = new EmbeddedRegistry(await FolderStore.open(dir));
    await first.register('a', { schema: schema('A') });
    await first.register('b', { schema: schema('B') });
    await first.setSubjectCompatibility('a', 'FULL');
    await first.setGlobalCompatibility('FORWARD');
    await first.deleteSubject('b');
    await first.close();

    const second = new EmbeddedRegistry(await FolderStore.open(dir));
    try {
      expect(await second.subjects()).toEqual(['a']);
      expect(await second.subjects({ deleted: true })).toEqual(['a', 'b']);
      expect(await second.version('a', 1)).toEqual({ subject: 'a', version: 1, id: 1, schema: schema('A') });
      expect(await second.subjectCompatibility('a')).toBe('FULL');
      expect(await second.globalCompatibility()).toBe('FORWARD');
      // The id counter survives too: a new schema never gets an old id.
      expect(await second.register('c', { schema: schema('C') })).toEqual({ id: 3 });
    } finally {
      await second.close();
    }
  });

  it('writes atomically: one readable state file and no temp files left behind', async () => {
    const registry = new EmbeddedRegistry(await FolderStore.open(dir));
    await Promise.all(Array.from({ length: 20 }, (_, i) => registry.register(`s${i}`, { schema: schema(`R${i}`) })));
    await registry.close();
    expect((await readdir(dir)).sort()).toEqual(['registry.json']);
    const state = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8')) as { format: number; nextId: number; subjects: unknown[] };
    expect(state.format).toBe(1);
    expect(state.nextId).toBe(21);
    expect(state.subjects).toHaveLength(20);
  });

  it('gives concurrent registrations of one subject distinct versions', async () => {
    const registry = new EmbeddedRegistry(await FolderStore.open(dir));
    try {
      await registry.setGlobalCompatibility('NONE');
      await Promise.all(Array.from({ length: 10 }, (_, i) => registry.register('s', { schema: schema(`R${i}`) })));
      expect(await registry.versions('s')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      await registry.close();
    }
  });

  it('refuses a folder another live registry holds, and names the process', async () => {
    const held = await FolderStore.open(dir);
    try {
      await expect(FolderStore.open(dir)).rejects.toThrow(`the registry data folder is in use by process ${process.pid}`);
    } finally {
      await held.close();
    }
    // Closed: free again.
    await (await FolderStore.open(dir)).close();
  });

  it('takes over the lock a dead registry left behind', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid as number;
    await new Promise((resolve) => child.on('exit', resolve));
    await writeFile(join(dir, 'registry.lock'), `${deadPid}\n`);
    await (await FolderStore.open(dir)).close();
  });

  it('says what is wrong with a damaged state file instead of starting empty', async () => {
    await writeFile(join(dir, 'registry.json'), '{"format": 1, "nextId": ');
    await expect(FolderStore.open(dir)).rejects.toThrow(/registry\.json is not valid JSON .*restore it from a backup/);
    await writeFile(join(dir, 'registry.json'), '{"something": "else"}');
    await expect(FolderStore.open(dir)).rejects.toThrow(/is not a Sluice registry state file/);
  });

  it('treats subject names such as __proto__ as plain names', async () => {
    const registry = new EmbeddedRegistry(await FolderStore.open(dir));
    try {
      await registry.register('__proto__', { schema: schema('P') });
      await registry.setSubjectCompatibility('constructor', 'NONE');
      expect(await registry.subjects()).toEqual(['__proto__']);
      expect(await registry.subjectCompatibility('constructor')).toBe('NONE');
      expect(await registry.subjectCompatibility('toString', { defaultToGlobal: true })).toBe('BACKWARD');
      expect(({} as Record<string, unknown>).version).toBeUndefined();
    } finally {
      await registry.close();
    }
  });
});
