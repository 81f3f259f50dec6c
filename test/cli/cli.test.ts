import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIX = 'test/cli/fixtures';
/** The spawned CLI uses the test node types, not the built-in registry (see fixtures/registry.ts). */
const ENV = { ...process.env, SLUICE_REGISTRY: `${FIX}/registry.ts` };

function sluice(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/sluice.js', ...args], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

const SECRET_WARNING = 'warning: a secret is written inline; use ${secret:NAME} (or ${env:NAME}) and keep the value out of the flow file';

describe('sluice validate', () => {
  it('prints nothing and exits 0 for a clean file', () => {
    const r = sluice('validate', `${FIX}/clean.flow.json`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints one line per problem, warnings marked, and exits 1 on errors', () => {
    const r = sluice('validate', `${FIX}/problems.flow.json`);
    expect(r.lines).toEqual([
      `${FIX}/problems.flow.json: /edges/2/to: edge orders:out → ghost:in ends at node "ghost", which does not exist`,
      `${FIX}/problems.flow.json: big /config/wehn: unknown field "wehn" (did you mean "when"?)`,
      `${FIX}/problems.flow.json: big /config/when: required`,
      `${FIX}/problems.flow.json: orders /config/token: ${SECRET_WARNING}`,
    ]);
    expect(r.code).toBe(1);
  });

  it('exits 0 when there are only warnings', () => {
    const r = sluice('validate', `${FIX}/warnings.flow.json`);
    expect(r.lines).toEqual([`${FIX}/warnings.flow.json: orders /config/token: ${SECRET_WARNING}`]);
    expect(r.code).toBe(0);
  });

  it('reports files that are not JSON or cannot be read as problems, not crashes', () => {
    const r = sluice('validate', `${FIX}/broken.flow.json`, `${FIX}/missing.flow.json`, `${FIX}/clean.flow.json`);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(new RegExp(`^${FIX}/broken\\.flow\\.json: not valid JSON: line 4, column 3: \\S`));
    expect(r.lines[1]).toBe(`${FIX}/missing.flow.json: cannot read the file: no such file`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('checks that the flow id matches the file name', () => {
    const r = sluice('validate', `${FIX}/misnamed.flow.json`);
    expect(r.lines).toEqual([
      `${FIX}/misnamed.flow.json: /id: flow id "orders" does not match the file name; rename the file to "orders.flow.json" or set the id to "misnamed"`,
    ]);
    expect(r.code).toBe(1);
  });

  it('prints every problem as JSON with --json', () => {
    const r = sluice('validate', '--json', `${FIX}/clean.flow.json`, `${FIX}/warnings.flow.json`);
    expect(JSON.parse(r.stdout)).toEqual([
      { file: `${FIX}/warnings.flow.json`, severity: 'warning', code: 'inline-secret', nodeId: 'orders', path: '/config/token', message: SECRET_WARNING.slice('warning: '.length) },
    ]);
    expect(r.code).toBe(0);
  });

  it('refuses to run without files, with usage and exit 2', () => {
    const r = sluice('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sluice validate: name at least one flow file');
    expect(r.stderr).toContain('Usage: sluice validate <files...> [--json]');
  });

  it('rejects an unknown option with exit 2', () => {
    const r = sluice('validate', '--jsn', `${FIX}/clean.flow.json`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sluice validate: Unknown option '--jsn'/);
  });
});

describe('sluice catalog', () => {
  it('prints node and resource types as JSON', () => {
    const r = sluice('catalog');
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout);
    const filter = catalog.nodes.find((n: { type: string }) => n.type === 'core.filter');
    expect(filter).toMatchObject({
      type: 'core.filter',
      version: 1,
      category: 'filter',
      title: 'Filter',
      summary: 'Keeps the records for which a condition is true.',
      ports: { inputs: [{ name: 'in' }], outputs: [{ name: 'out', title: 'Kept' }], outputsFromConfig: true },
    });
    expect(filter.config.properties.when['x-widget']).toBe('expression');
    expect(filter.examples[0].title).toBe('Keep large orders');
    expect(catalog.nodes.map((n: { type: string }) => n.type)).toEqual([...catalog.nodes.map((n: { type: string }) => n.type)].sort());
    expect(catalog.resources.map((n: { type: string }) => n.type)).toEqual(['test.connection', 'test.table']);
  });

  it('derives config-dependent ports from a config that parses', () => {
    const catalog = JSON.parse(sluice('catalog').stdout);
    const route = catalog.nodes.find((n: { type: string }) => n.type === 'test.route');
    expect(route.ports.outputs).toEqual([{ name: 'paid' }]);
  });

  it('writes one Markdown page per type and an index with --md', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sluice-md-')), 'docs');
    const r = sluice('catalog', '--md', dir);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'core.filter.md',
      'index.md',
      'test.collect.md',
      'test.compute.md',
      'test.connection.md',
      'test.lines.md',
      'test.orders.md',
      'test.rename.md',
      'test.route.md',
      'test.stuck.md',
      'test.table.md',
      'test.ticker.md',
    ]);
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    expect(index).toContain('- [Filter](core.filter.md) (`core.filter`): Keeps the records for which a condition is true.');
    expect(index.indexOf('## Sources')).toBeLessThan(index.indexOf('## Filters'));
    const page = readFileSync(join(dir, 'core.filter.md'), 'utf8');
    expect(page.startsWith('# Filter\n\n`core.filter` · version 1 · filter\n\nKeeps the records for which a condition is true.\n')).toBe(true);
    expect(page).toContain('Turn on **Send rejected records on**');
    expect(page).toContain('Inputs: `in`');
    expect(page).toContain('| `when` (required) | CEL condition (bool) |  | **Condition.** CEL condition; records for which it is true are kept. |');
    expect(page).toContain('| `rejectedPort` | boolean | `false` | **Send rejected records on.** Adds a `rejected` port for records that fail the condition. |');
    expect(page).toContain('### Keep large orders\n\nConfiguration:\n\n```json\n{\n  "when": "total > 1000.0",\n  "rejectedPort": false\n}\n```');
    const route = readFileSync(join(dir, 'test.route.md'), 'utf8');
    expect(route).toContain('| `routes[].when` (required) | CEL condition (bool) |');
    expect(readFileSync(join(dir, 'test.orders.md'), 'utf8')).toContain('| `token` | secret reference (${secret:NAME}) |');
  });
});

describe('sluice run', () => {
  it('runs a flow to its end and exits 0', () => {
    const r = sluice('run', `${FIX}/clean.flow.json`);
    expect(r.code).toBe(0);
  });

  it('refuses an invalid flow with one line and exit 1', () => {
    const r = sluice('run', `${FIX}/problems.flow.json`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `sluice run: ${FIX}/problems.flow.json: /edges/2/to: edge orders:out → ghost:in ends at node "ghost", which does not exist (2 more: sluice validate ${FIX}/problems.flow.json)\n`,
    );
  });

  it('reports a missing file in one line with exit 1', () => {
    const r = sluice('run', `${FIX}/missing.flow.json`);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sluice run: .*missing\.flow\.json/);
  });

  it('needs exactly one flow', () => {
    expect(sluice('run').code).toBe(2);
    expect(sluice('run', 'a.flow.json', 'b.flow.json').code).toBe(2);
  });

  it('stops cleanly on SIGTERM and exits 0', async () => {
    const child = spawn(process.execPath, ['bin/sluice.js', 'run', `${FIX}/ticking.flow.json`], { cwd: ROOT, env: ENV });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    // Signal once the flow is running, not while tsx is still loading.
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`flow did not start: ${stderr}`)), 15_000);
      child.stderr.on('data', () => {
        if (stderr.includes('flow started')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(0);
  });
});

describe('sluice help', () => {
  it('prints help with --help and exits 0', () => {
    const r = sluice('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: sluice <command> [options]');
    for (const c of ['validate', 'run', 'catalog']) expect(r.stdout).toContain(`  ${c} `);
  });

  it('prints per-command help', () => {
    expect(sluice('validate', '--help').stdout).toContain('Usage: sluice validate <files...> [--json]');
    expect(sluice('help', 'run').stdout).toContain('Usage: sluice run <flow> [--env-file <file>]');
    expect(sluice('catalog', '-h').stdout).toContain('Usage: sluice catalog [--md <dir>]');
  });

  it('answers an unknown command with help and exit 2', () => {
    const r = sluice('vaildate', 'x.flow.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sluice: unknown command "vaildate"');
    expect(r.stderr).toContain('Usage: sluice <command> [options]');
    expect(r.stdout).toBe('');
  });

  it('does not load the node registry for help', () => {
    const env = { ...process.env, SLUICE_REGISTRY: `${FIX}/does-not-exist.ts` };
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/sluice.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });
    expect(run('--help').status).toBe(0);
    expect(run('validate', '--help').status).toBe(0);
    // The same broken registry does fail a command that needs it: in one line, not a stack trace.
    const broken = run('validate', `${FIX}/clean.flow.json`);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^sluice validate: .*does-not-exist\.ts.*\n$/);
  });
});
