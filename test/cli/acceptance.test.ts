import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The acceptance scenario through the real CLI and the real node types: seven kinds of
// mistake, one precise line each naming the node, exit 1; the example flows: silence, exit 0.
const ROOT = new URL('../..', import.meta.url).pathname;
const env = { ...process.env };
delete env.SLUICE_REGISTRY;

function sluice(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/sluice.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

describe('sluice validate with the built-in node types', () => {
  it('reports each of seven mistakes on one line naming the node and exits 1', () => {
    const file = 'test/cli/fixtures/seven-mistakes.flow.json';
    const r = sluice('validate', file);
    expect(r.lines).toEqual([
      `${file}: /edges/6/to: edge route:otherwise → nowhere:in ends at node "nowhere", which does not exist`,
      `${file}: big /config/when: line 1, column 1: cannot compare a double with a string (total > "1000")`,
      `${file}: enrich /type: unknown node type "core.enrichify"`,
      `${file}: eu /config/when: line 1, column 1: unknown field "regoin", did you mean "region"? (fields here: id, total, region)`,
      `${file}: loop-a: nodes form a cycle: loop-a → loop-b → loop-a; records would go round forever`,
      `${file}: syntax /config/when: line 1, column 9: syntax error: the expression ends too early`,
      `${file}: write /config/path: required`,
    ]);
    expect(r.code).toBe(1);
  });

  it('prints nothing and exits 0 on every file in flows/', () => {
    const files = readdirSync(`${ROOT}/flows`)
      .filter((f) => f.endsWith('.flow.json'))
      .map((f) => `flows/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const r = sluice('validate', ...files);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
