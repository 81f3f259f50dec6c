import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../runtime/cli/validate';
import { registry } from '../../shared/nodes';

const ROOT = new URL('../..', import.meta.url).pathname;
const UNSAFE = 'test/fixtures/governance/orders-eu-to-us-unsafe.flow.json';
const VIA = 'via orders → big-orders → by-region → orders-us';

/** The real CLI with the built-in node types (the flows use Kafka connections). */
function sluice(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/sluice.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

function leaks(file: string, fix: (tag: string) => string): string[] {
  return [
    `${file}: orders-us: PII field customer.id flows from zone eu to zone us unredacted ${VIA} (${fix('PII')})`,
    `${file}: orders-us: PII field customer.name flows from zone eu to zone us unredacted ${VIA} (${fix('PII')})`,
    `${file}: orders-us: PII field customer.email flows from zone eu to zone us unredacted ${VIA} (${fix('PII')})`,
    `${file}: orders-us: PII field customer.iban flows from zone eu to zone us unredacted ${VIA} (${fix('PII')})`,
    `${file}: orders-us: PCI field items[*].card flows from zone eu to zone us unredacted ${VIA} (${fix('PCI')})`,
  ];
}

const DEFAULT_FIX = (tag: string) => `hash, mask, tokenize or drop it first, or allow ${tag} from eu to us in the policy`;
const REPO_FIX = (tag: string) => `${tag === 'PCI' ? 'drop' : 'hash, tokenize or drop'} it first, or allow ${tag} from eu to us in the policy`;

function buffered() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, lines: () => out.join('').split('\n').filter(Boolean), err };
}

describe('sluice validate: governance', () => {
  it('rejects the unsafe EU to US mirror with the exact leaks (field, tag, zones, path) and exit 1', () => {
    const r = sluice('validate', UNSAFE);
    expect(r.lines).toEqual(leaks(UNSAFE, DEFAULT_FIX));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('finds flows/governance.policy.json beside the example flows, which all pass it', () => {
    const r = sluice('validate', 'flows');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('checks against a given policy file, reporting the policy\'s own problems like a flow\'s', async () => {
    const strict = buffered();
    expect(await validateCommand([UNSAFE], { json: false, policy: 'flows/governance.policy.json' }, registry, strict.io)).toBe(1);
    expect(strict.lines()).toEqual(leaks(UNSAFE, REPO_FIX));

    const dir = mkdtempSync(join(tmpdir(), 'sluice-policy-'));
    const flowFile = join(dir, 'orders-eu-to-us-unsafe.flow.json');
    copyFileSync(join(ROOT, UNSAFE), flowFile);
    writeFileSync(join(dir, 'governance.policy.json'), JSON.stringify({ format: 1, allow: [{ tags: ['PII'], from: 'eu', to: 'us' }] }));
    const granted = buffered();
    expect(await validateCommand([flowFile], { json: false }, registry, granted.io)).toBe(1);
    expect(granted.lines()).toEqual([leaks(flowFile, DEFAULT_FIX)[4]]);

    writeFileSync(join(dir, 'governance.policy.json'), JSON.stringify({ format: 1, tag: {} }));
    const broken = buffered();
    expect(await validateCommand([flowFile, flowFile], { json: false }, registry, broken.io)).toBe(1);
    expect(broken.lines()).toEqual([`${join(dir, 'governance.policy.json')}: /tag: unknown field "tag" (did you mean "tags"?)`, ...leaks(flowFile, DEFAULT_FIX), ...leaks(flowFile, DEFAULT_FIX)]);
  });
});
