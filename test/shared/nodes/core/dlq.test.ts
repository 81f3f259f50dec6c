import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import dlq, { isDeadLetter } from '../../../../shared/nodes/core/dlq.node';
import type { DeadLetter, Message } from '../../../../shared/node-kit/message';
import { runNode } from '../../../helpers/run-node';

const tempDir = () => mkdtempSync(join(tmpdir(), 'sluice-dlq-'));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as DeadLetter);

const LETTER: DeadLetter = {
  flowId: 'payments',
  nodeId: 'to-eur',
  error: { name: 'ExpressionError', message: 'amount is not a number' },
  attempts: 3,
  failedAt: '2024-05-01T09:30:00.000Z',
  original: { value: { paymentId: 'p-2', amount: '12O.00' }, key: 'p-2', meta: { source: 'data/payments.jsonl', line: 2 } },
};

describe('core.dlq', () => {
  it('appends each dead letter as one JSON line to dead-letters.jsonl by default', async () => {
    const dir = tempDir();
    const second = { ...LETTER, nodeId: 'read-payments', original: { value: '{"paymentId":"p-4", "amount": ' } };
    const r = await runNode(dlq, {}, [LETTER, second], { dir });
    expect(r.errors).toEqual([]);
    const text = readFileSync(join(dir, 'dead-letters.jsonl'), 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(lines(join(dir, 'dead-letters.jsonl'))).toEqual([LETTER, second]);
  });

  it('wraps anything that is not a dead letter so nothing is lost', async () => {
    const dir = tempDir();
    const msg: Message = { value: { id: 'x', region: 'mars' }, key: 'k', headers: { h: '1' }, meta: { topic: 'orders' } };
    await runNode(dlq, { path: 'parked.jsonl' }, [msg, { value: 'plain text' }], { dir, messages: true });
    const [first, second] = lines(join(dir, 'parked.jsonl'));
    expect(first).toEqual({
      flowId: 'test-flow',
      nodeId: 'core-dlq',
      error: { name: 'NotADeadLetter', message: expect.stringMatching(/ordinary record/) },
      attempts: 0,
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      original: { value: { id: 'x', region: 'mars' }, key: 'k', headers: { h: '1' }, meta: { topic: 'orders' } },
    });
    expect(second!.original).toEqual({ value: 'plain text' });
    expect(isDeadLetter(first)).toBe(true);
  });

  it('tells dead letters from look-alikes', () => {
    expect(isDeadLetter(LETTER)).toBe(true);
    expect(isDeadLetter({ ...LETTER, error: 'boom' })).toBe(false);
    expect(isDeadLetter({ ...LETTER, attempts: '3' })).toBe(false);
    const { original: _dropped, ...noOriginal } = LETTER;
    expect(isDeadLetter(noOriginal)).toBe(false);
    expect(isDeadLetter(null)).toBe(false);
  });

  it('rotates like file.write', async () => {
    const dir = tempDir();
    const size = JSON.stringify(LETTER).length + 1;
    await runNode(dlq, { path: 'd.jsonl', rotateBytes: size, maxFiles: 1 }, [LETTER, LETTER, LETTER], { dir });
    expect(lines(join(dir, 'd.jsonl'))).toHaveLength(1);
    expect(lines(join(dir, 'd.jsonl.1'))).toHaveLength(1);
    expect(existsSync(join(dir, 'd.jsonl.2'))).toBe(false);
  });

  it('checks its config', () => {
    expect(dlq.config.parse({}).path).toBe('dead-letters.jsonl');
    expect(dlq.lint!(dlq.config.parse({ path: '' }))).toEqual([expect.objectContaining({ path: '/path' })]);
    for (const ex of dlq.examples) expect(dlq.config.safeParse(ex.config).success).toBe(true);
  });
});
