import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossing, DEFAULT_POLICY, parsePolicy, parsePolicyText, tagMayCross, type Policy } from '../../../shared/governance/policy';
import { registry } from '../../../shared/nodes';
import { validateFlow } from '../../../shared/validate';

const ROOT = resolve(import.meta.dirname, '../../..');

function ok(raw: unknown): Policy {
  const r = parsePolicy(raw);
  if (!r.policy) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

describe('the governance policy', () => {
  it('by default keeps every tag in its zone unless dropped, masked, hashed or tokenized', () => {
    expect(crossing(DEFAULT_POLICY, 'PII', 'eu', 'us')).toEqual({ raw: false, redactions: ['hash', 'mask', 'tokenize'] });
    expect(['PII', 'PII:masked', 'PII:hashed', 'PII:tokenized'].map((t) => tagMayCross(DEFAULT_POLICY, t, 'eu', 'us'))).toEqual([false, true, true, true]);
    expect(tagMayCross(DEFAULT_POLICY, 'PII', 'eu', 'eu')).toBe(true);
    expect(DEFAULT_POLICY.unknownSchema).toBe('warning');
  });

  it('grants per tag, per zone pair and with wildcards; entries only ever add', () => {
    const p = ok({
      format: 1,
      redactions: ['hash'],
      tags: { PCI: { redactions: [] } },
      allow: [
        { tags: ['PII'], from: 'eu', to: 'ch' },
        { tags: ['*'], from: '*', to: 'us', redactions: ['tokenize'] },
      ],
    });
    expect(p.unknownSchema).toBe('error');
    expect(crossing(p, 'PII', 'eu', 'ch')).toEqual({ raw: true, redactions: ['hash'] });
    expect(crossing(p, 'PII', 'eu', 'us')).toEqual({ raw: false, redactions: ['hash', 'tokenize'] });
    expect(crossing(p, 'PCI', 'eu', 'us')).toEqual({ raw: false, redactions: ['tokenize'] });
    expect(crossing(p, 'PCI', 'eu', 'ch')).toEqual({ raw: false, redactions: [] });
    expect(tagMayCross(p, 'PCI:hashed', 'eu', 'ch')).toBe(false);
  });

  it('names every problem in a policy file', () => {
    expect(parsePolicy({ format: 2, tag: {}, tags: { 'P:II': {}, PCI: { redactions: ['encrypt'] } }, allow: [{ tags: [], from: 'eu' }] }).problems).toEqual([
      { path: '/format', message: 'this Sluice reads policy format 1; set "format": 1' },
      { path: '/tags/P:II', message: 'invalid key "P:II": a tag is a name such as PII or PCI: a letter, then letters, digits, "_" or "-"' },
      { path: '/tags/PCI/redactions/0', message: 'must be one of "drop", "mask", "hash", "tokenize", got "encrypt"' },
      { path: '/allow/0/tags', message: 'must have at least one item' },
      { path: '/allow/0/to', message: 'required' },
      { path: '/tag', message: 'unknown field "tag"' },
    ]);
    expect(parsePolicy({ formt: 1 }).problems).toEqual([
      { path: '/format', message: 'required' },
      { path: '/formt', message: 'unknown field "formt" (did you mean "format"?)' },
    ]);
    expect(parsePolicy({ format: 1, zones: ['eu', 'us'], allow: [{ tags: ['PII'], from: 'eu', to: 'uk' }] }).problems).toEqual([
      { path: '/allow/0/to', message: 'zone "uk" is not in "zones" (did you mean "us"?)' },
    ]);
    expect(parsePolicyText('{"format": 1,').problems?.[0]?.message).toMatch(/^not valid JSON: /);
  });

  it('flows/governance.policy.json parses, and every example flow is clean under it', () => {
    const r = parsePolicyText(readFileSync(join(ROOT, 'flows/governance.policy.json'), 'utf8'));
    expect(r.problems).toBeUndefined();
    const files = readdirSync(join(ROOT, 'flows')).filter((f) => f.endsWith('.flow.json'));
    for (const file of files) {
      expect(validateFlow(JSON.parse(readFileSync(join(ROOT, 'flows', file), 'utf8')), registry, { policy: r.policy }), file).toEqual([]);
    }
  });

  it('rejects the unsafe variant of the EU to US mirror, naming each field, the zones and the unsafe path only', () => {
    const r = parsePolicyText(readFileSync(join(ROOT, 'flows/governance.policy.json'), 'utf8'));
    const doc = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/governance/orders-eu-to-us-unsafe.flow.json'), 'utf8'));
    const via = 'via orders → big-orders → by-region → orders-us';
    expect(validateFlow(doc, registry, { policy: r.policy })).toEqual(
      [
        `PII field customer.id flows from zone eu to zone us unredacted ${via} (hash, tokenize or drop it first, or allow PII from eu to us in the policy)`,
        `PII field customer.name flows from zone eu to zone us unredacted ${via} (hash, tokenize or drop it first, or allow PII from eu to us in the policy)`,
        `PII field customer.email flows from zone eu to zone us unredacted ${via} (hash, tokenize or drop it first, or allow PII from eu to us in the policy)`,
        `PII field customer.iban flows from zone eu to zone us unredacted ${via} (hash, tokenize or drop it first, or allow PII from eu to us in the policy)`,
        `PCI field items[*].card flows from zone eu to zone us unredacted ${via} (drop it first, or allow PCI from eu to us in the policy)`,
      ].map((message) => ({ severity: 'error', code: 'governance-leak', nodeId: 'orders-us', path: '', message })),
    );
  });
});
