import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonObject } from '../../../../shared/node-kit/message';
import { compileRedaction } from '../../../../shared/nodes/redact/lib/compiled';
import { setOwn } from '../../../../shared/node-kit/paths';
import type { LeafOp } from '../../../../shared/nodes/redact/lib/paths';

// The reference model: rules applied one at a time, in order, copy on write. The compiled
// single-pass redactor must give exactly the same records.
/** Applies `op` at every place `steps` reaches in `value`. Null and absent fields are left alone. */
function updateAt(value: unknown, steps: readonly string[], op: LeafOp, i = 0): unknown {
  const step = steps[i] as string;
  const last = i === steps.length - 1;
  if (step === '*') {
    if (op.kind === 'drop' && last) throw new Error('a path ending in [*] cannot be dropped: drop the list itself');
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((el, j) => {
        const next = last ? replaceLeaf(el, op) : updateAt(el, steps, op, i + 1);
        if (next !== el) (out ??= value.slice())[j] = next;
      });
      return out ?? value;
    }
    if (isJsonObject(value)) {
      let out: JsonObject | undefined;
      for (const key of Object.keys(value)) {
        const el = value[key];
        const next = last ? replaceLeaf(el, op) : updateAt(el, steps, op, i + 1);
        if (next !== el) setOwn((out ??= { ...value }), key, next);
      }
      return out ?? value;
    }
    return value;
  }
  if (!isJsonObject(value) || !Object.hasOwn(value, step)) return value;
  const current = value[step];
  if (last && op.kind === 'drop') {
    const out = { ...value };
    delete out[step];
    return out;
  }
  const next = last ? replaceLeaf(current, op) : updateAt(current, steps, op, i + 1);
  if (next === current) return value;
  const out = { ...value };
  setOwn(out, step, next);
  return out;
}

function replaceLeaf(value: unknown, op: LeafOp): unknown {
  if (value === null || value === undefined || op.kind === 'drop') return value;
  return op.replace(value);
}


function sequential(value: unknown, rules: Array<{ path: string[]; op: LeafOp }>): unknown {
  for (const r of rules) value = updateAt(value, r.path, r.op);
  return value;
}

// A small seeded generator so failures reproduce.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', 'c'];

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth <= 0 || k < 0.3) return r() < 0.1 ? null : r() < 0.5 ? `v${Math.floor(r() * 100)}` : Math.floor(r() * 100);
  if (k < 0.55) return Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth - 1));
  const o: JsonObject = {};
  for (const n of NAMES) if (r() < 0.7) o[n] = randomValue(r, depth - 1);
  return o;
}

function randomRules(r: () => number): Array<{ path: string[]; op: LeafOp }> {
  const ops: LeafOp[] = [
    { kind: 'drop' },
    { kind: 'replace', replace: (v) => `m(${JSON.stringify(v)})` },
    { kind: 'replace', replace: (v) => `h(${JSON.stringify(v)})` },
  ];
  return Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
    const path = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (r() < 0.3 ? '*' : (NAMES[Math.floor(r() * NAMES.length)] as string)));
    let op = ops[Math.floor(r() * ops.length)] as LeafOp;
    if (path[path.length - 1] === '*' && op.kind === 'drop') op = ops[1] as LeafOp;
    return { path, op };
  });
}

describe('compiled redaction', () => {
  it('gives the same records as applying the rules one by one, on 20,000 random records and rule sets', () => {
    const r = rng(20261123);
    for (let i = 0; i < 20000; i++) {
      const record = randomValue(r, 4);
      if (!isJsonObject(record)) continue;
      const rules = randomRules(r);
      const before = JSON.stringify(record);
      const got = compileRedaction(rules)(record);
      expect(got, `rules ${JSON.stringify(rules.map((x) => [x.path.join('.'), x.op.kind]))} on ${before}`).toEqual(sequential(record, rules));
      expect(JSON.stringify(record), 'the input record must not change').toBe(before);
    }
  });

  it('leaves a record untouched (same object) when no rule applies', () => {
    const record = { x: 1, y: { z: 2 } };
    expect(compileRedaction([{ path: ['missing'], op: { kind: 'drop' } }])(record)).toBe(record);
  });

  it('refuses to drop a path ending in [*]', () => {
    expect(() => compileRedaction([{ path: ['items', '*'], op: { kind: 'drop' } }])).toThrow(/cannot be dropped/);
  });
});
