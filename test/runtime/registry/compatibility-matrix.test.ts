import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCompatibility, COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../../../runtime/registry/compatibility';

// The compatibility matrix of issue 5: each schema change under each of the seven levels. The
// expected results are written by hand from the Avro resolution rules (a reader fills a field
// the writer lacks only from its default; it ignores fields it does not know; it reads int as
// long but never long as int; a reader field's aliases match the writer's old name), not
// produced by running the code. BACKWARD: the new schema reads the old; FORWARD: the old reads
// the new; FULL: both.

type Schema = { type: 'record'; name: string; namespace: string; fields: Array<Record<string, unknown>> };

const base: Schema = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'count', type: 'int' },
    { name: 'customer', type: 'string' },
    { name: 'note', type: 'string', default: '' },
  ],
};

function change(edit: (fields: Schema['fields']) => Schema['fields']): Schema {
  const copy = structuredClone(base);
  return { ...copy, fields: edit(copy.fields) };
}

const Y = true;
const N = false;
type Row = Record<CompatibilityLevel, boolean>;
const row = (b: boolean, bt: boolean, f: boolean, ft: boolean, full: boolean, fullT: boolean, none: boolean): Row => ({
  BACKWARD: b,
  BACKWARD_TRANSITIVE: bt,
  FORWARD: f,
  FORWARD_TRANSITIVE: ft,
  FULL: full,
  FULL_TRANSITIVE: fullT,
  NONE: none,
});

interface Case {
  change: string;
  schema: Schema;
  expected: Row;
  /** Words the message must contain when the new schema cannot read the old (BACKWARD side). */
  backwardMessage?: string;
  /** Words the message must contain when the old schema cannot read the new (FORWARD side). */
  forwardMessage?: string;
}

const CASES: Case[] = [
  {
    change: 'add optional field (with default)',
    schema: change((f) => [...f, { name: 'channel', type: 'string', default: 'web' }]),
    // New reader fills channel from its default; old reader ignores it.
    expected: row(Y, Y, Y, Y, Y, Y, Y),
  },
  {
    change: 'add required field (no default)',
    schema: change((f) => [...f, { name: 'channel', type: 'string' }]),
    // New reader finds no channel in old records and has no default; old reader ignores it.
    expected: row(N, N, Y, Y, N, N, Y),
    backwardMessage: 'field channel was added without a default',
  },
  {
    change: 'remove field with default',
    schema: change((f) => f.filter((x) => x.name !== 'note')),
    // New reader ignores note; old reader fills note from its default.
    expected: row(Y, Y, Y, Y, Y, Y, Y),
  },
  {
    change: 'remove field without default',
    schema: change((f) => f.filter((x) => x.name !== 'customer')),
    // New reader ignores customer; old reader needs customer and has no default.
    expected: row(Y, Y, N, N, N, N, Y),
    forwardMessage: 'field customer was removed and has no default',
  },
  {
    change: 'change type double -> string (incompatible)',
    schema: change((f) => f.map((x) => (x.name === 'total' ? { ...x, type: 'string' } : x))),
    // Neither string reads double nor double reads string.
    expected: row(N, N, N, N, N, N, Y),
    backwardMessage: 'field total changed type from double to string',
    forwardMessage: 'field total changed type from double to string',
  },
  {
    change: 'change type int -> long (promotion)',
    schema: change((f) => f.map((x) => (x.name === 'count' ? { ...x, type: 'long' } : x))),
    // long reads int (promotion); int cannot read long.
    expected: row(Y, Y, N, N, N, N, Y),
    forwardMessage: 'field count changed type from int to long',
  },
  {
    change: 'rename field with alias',
    schema: change((f) => f.map((x) => (x.name === 'customer' ? { name: 'client', type: 'string', aliases: ['customer'] } : x))),
    // New reader's client matches old customer through its alias; old reader finds no customer.
    expected: row(Y, Y, N, N, N, N, Y),
    forwardMessage: 'field customer was renamed to client, and the old name has no default',
  },
];

/** Results as computed, for the report the closing note quotes. */
const seen: Array<{ change: string; level: CompatibilityLevel; compatible: boolean; messages: string[] }> = [];

const mark = (ok: boolean) => (ok ? 'compatible' : 'INCOMPATIBLE');

describe('compatibility matrix: one change from version 1 to version 2', () => {
  for (const c of CASES) {
    describe(c.change, () => {
      for (const level of COMPATIBILITY_LEVELS) {
        it(`is ${mark(c.expected[level])} under ${level}`, () => {
          const result = checkCompatibility(level, c.schema, [{ schema: base, version: 1 }], { subject: 'orders-value' });
          seen.push({ change: c.change, level, compatible: result.compatible, messages: result.messages });
          expect(result.compatible).toBe(c.expected[level]);
          expect(result.messages.length === 0).toBe(result.compatible);
          if (!result.compatible) {
            for (const message of result.messages) expect(message.startsWith(`orders-value is ${level}: `)).toBe(true);
            const checksBackward = level.startsWith('BACKWARD') || level.startsWith('FULL');
            const checksForward = level.startsWith('FORWARD') || level.startsWith('FULL');
            if (checksBackward && c.backwardMessage) {
              expect(result.messages).toContainEqual(expect.stringContaining(c.backwardMessage));
              expect(result.messages).toContainEqual(expect.stringContaining('the new schema cannot read records written with version 1'));
            }
            if (checksForward && c.forwardMessage) {
              expect(result.messages).toContainEqual(expect.stringContaining(c.forwardMessage));
              expect(result.messages).toContainEqual(expect.stringContaining('consumers using version 1 cannot read records written with the new schema'));
            }
          }
        });
      }
    });
  }
});

// Three versions where the new one is compatible with the latest but not with the first: only
// the _TRANSITIVE levels look past the latest version.
interface History {
  name: string;
  v1: Schema;
  v2: Schema;
  v3: Schema;
  expected: Row;
  message: string;
}

const withField = (field: Record<string, unknown> | undefined): Schema =>
  change((f) => {
    const kept = f.filter((x) => x.name !== 'customer');
    return field ? [...kept, field] : kept;
  });

const HISTORIES: History[] = [
  {
    name: 'channel added with a default (v2), then made required (v3)',
    v1: base,
    v2: change((f) => [...f, { name: 'channel', type: 'string', default: 'web' }]),
    v3: change((f) => [...f, { name: 'channel', type: 'string' }]),
    // v3 reads v2 (v2 records carry channel) and v2 reads v3; v3 cannot read v1 records (no
    // channel, no default); v1 ignores channel, so every forward check passes.
    expected: row(Y, N, Y, Y, Y, N, Y),
    message: 'field channel was added without a default; the new schema cannot read records written with version 1',
  },
  {
    name: 'customer given a default (v2), then removed (v3)',
    v1: base,
    v2: withField({ name: 'customer', type: 'string', default: 'unknown' }),
    v3: withField(undefined),
    // v2 reads v3 through its default and v3 ignores customer; v1 reads v3 without a default: no.
    expected: row(Y, Y, Y, N, Y, N, Y),
    message: 'field customer was removed and has no default; consumers using version 1 cannot read records written with the new schema',
  },
];

describe('transitive levels: three versions, only the first incompatible with the new one', () => {
  for (const h of HISTORIES) {
    describe(h.name, () => {
      it('has a legal history: v2 is compatible with v1 under every level', () => {
        for (const level of COMPATIBILITY_LEVELS) expect(checkCompatibility(level, h.v2, [h.v1]).compatible, level).toBe(true);
      });
      it('is compatible with v2 alone and incompatible with v1 alone, where the level checks that direction', () => {
        expect(checkCompatibility('FULL', h.v3, [h.v2]).compatible).toBe(true);
        expect(checkCompatibility('FULL', h.v3, [h.v1]).compatible).toBe(false);
      });
      for (const level of COMPATIBILITY_LEVELS) {
        it(`is ${mark(h.expected[level])} under ${level}`, () => {
          const result = checkCompatibility(
            level,
            h.v3,
            [
              { schema: h.v1, version: 1 },
              { schema: h.v2, version: 2 },
            ],
            { subject: 'orders-value' },
          );
          seen.push({ change: `3 versions: ${h.name}`, level, compatible: result.compatible, messages: result.messages });
          expect(result.compatible).toBe(h.expected[level]);
          if (!result.compatible) {
            expect(result.messages).toEqual([`orders-value is ${level}: ${h.message}`]);
          }
        });
      }
    });
  }
});

afterAll(() => {
  const changes = [...new Set(seen.map((s) => s.change))];
  const cell = (change: string, level: CompatibilityLevel) => {
    const s = seen.find((x) => x.change === change && x.level === level);
    return s === undefined ? '?' : s.compatible ? 'yes' : '**no**';
  };
  const lines = [
    '# Compatibility matrix',
    '',
    'Computed by `test/runtime/registry/compatibility-matrix.test.ts` with `checkCompatibility` (avsc schema',
    'resolution); every cell is also asserted against a table written by hand from the Avro rules.',
    '"yes": the new schema may be registered after the existing one(s) under that level.',
    '',
    `| change | ${COMPATIBILITY_LEVELS.join(' | ')} |`,
    `|---|${COMPATIBILITY_LEVELS.map(() => '---').join('|')}|`,
    ...changes.map((c) => `| ${c} | ${COMPATIBILITY_LEVELS.map((l) => cell(c, l)).join(' | ')} |`),
    '',
    '## Messages of the refused cells',
    '',
    ...seen.filter((s) => !s.compatible).flatMap((s) => s.messages.map((m) => `- ${s.change}, ${s.level}: ${m}`)),
    '',
  ];
  const dir = resolve(import.meta.dirname, '../../../.cache/reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'compatibility-matrix.md'), lines.join('\n'));
});
