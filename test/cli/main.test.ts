import { describe, expect, it } from 'vitest';
import { main } from '../../runtime/cli';
import { registry } from './fixtures/registry';

/** `main` in process, with captured output and the test registry injected. */
async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) }, registry: async () => registry });
  return { code, stdout, stderr };
}

describe('main', () => {
  it('resolves with the exit code and writes through the given io', async () => {
    const r = await run('validate', 'test/cli/fixtures/problems.flow.json', 'test/cli/fixtures/clean.flow.json');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    expect(r.stderr).toBe('');
  });

  it('uses the injected registry', async () => {
    const r = await run('catalog');
    expect(JSON.parse(r.stdout).nodes.map((n: { type: string }) => n.type)).toContain('test.ticker');
  });

  it('reports a failing registry in one line', async () => {
    let stderr = '';
    const code = await main(['validate', 'x.flow.json'], {
      io: { stdout: () => undefined, stderr: (t) => void (stderr += t) },
      registry: () => Promise.reject(new Error('cannot load node types\nstack…')),
    });
    expect(code).toBe(1);
    expect(stderr).toBe('sluice validate: cannot load node types\n');
  });
});
