import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import write from '../../../../shared/nodes/file/write.node';
import { runNode, testContext } from '../../../helpers/run-node';

const tempDir = () => mkdtempSync(join(tmpdir(), 'sluice-file-write-'));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('file.write', () => {
  it('appends one JSON line per record, creating missing folders', async () => {
    const dir = tempDir();
    const records = [{ id: 'a', total: 1.5 }, { id: 'b', nested: { x: [1, 2] } }];
    const r = await runNode(write, { path: 'out/deep/orders.jsonl' }, records, { dir });
    expect(r.errors).toEqual([]);
    expect(readFileSync(join(dir, 'out/deep/orders.jsonl'), 'utf8')).toBe('{"id":"a","total":1.5}\n{"id":"b","nested":{"x":[1,2]}}\n');
  });

  it('adds to an existing file instead of overwriting it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'o.jsonl'), '{"id":"old"}\n');
    await runNode(write, { path: 'o.jsonl' }, [{ id: 'new' }], { dir });
    expect(lines(join(dir, 'o.jsonl'))).toEqual([{ id: 'old' }, { id: 'new' }]);
  });

  it('resolves write() only once the line is in the file', async () => {
    const dir = tempDir();
    const { ctx } = testContext(write, { dir });
    const sink = await write.create(write.config.parse({ path: 'o.jsonl' }), ctx);
    if (sink.role !== 'sink') throw new Error('file.write must be a sink');
    const pending = sink.write({ value: { id: 'a' } });
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(readFileSync(join(dir, 'o.jsonl'), 'utf8')).toBe('{"id":"a"}\n');
    await sink.flush!();
    await sink.close!();
    await sink.close!();
    await expect(sink.write({ value: { id: 'late' } })).rejects.toThrow(/closed/);
  });

  it('rotates by size and keeps at most maxFiles rotated files', async () => {
    const dir = tempDir();
    // Each line ({"n":"003"} and a newline) is 12 bytes, so a 30-byte file holds two lines.
    const records = Array.from({ length: 10 }, (_, i) => ({ n: `00${i}` }));
    const r = await runNode(write, { path: 'r.jsonl', rotateBytes: 30, maxFiles: 2 }, records, { dir });
    expect(r.errors).toEqual([]);
    const file = join(dir, 'r.jsonl');
    expect(lines(file)).toEqual([{ n: '008' }, { n: '009' }]);
    expect(lines(`${file}.1`)).toEqual([{ n: '006' }, { n: '007' }]);
    expect(lines(`${file}.2`)).toEqual([{ n: '004' }, { n: '005' }]);
    expect(existsSync(`${file}.3`)).toBe(false);
  });

  it('does not rotate without rotateBytes', async () => {
    const dir = tempDir();
    await runNode(write, { path: 'r.jsonl' }, Array.from({ length: 50 }, (_, i) => ({ i })), { dir });
    expect(lines(join(dir, 'r.jsonl'))).toHaveLength(50);
    expect(existsSync(join(dir, 'r.jsonl.1'))).toBe(false);
  });

  it('checks its config', () => {
    expect(write.lint!(write.config.parse({ path: ' ' }))).toEqual([expect.objectContaining({ path: '/path' })]);
    expect(write.config.safeParse({ path: 'a', rotateBytes: 0 }).success).toBe(false);
    expect(write.config.safeParse({ path: 'a', maxFiles: 0 }).success).toBe(false);
    expect(write.config.parse({ path: 'a' }).maxFiles).toBe(5);
    for (const ex of write.examples) expect(write.config.safeParse(ex.config).success).toBe(true);
  });
});
