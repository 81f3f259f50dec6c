import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlowText } from '../../shared/flow/migrate';
import { serializeFlow } from '../../shared/flow/canonical';
import { registry } from '../../shared/nodes';
import { validateFlow } from '../../shared/validate';
import { compileFlow } from '../../runtime/compiler/compile';
import { registryDefaults } from '../../shared/node-kit/registry';
import { runCase, type CasesFile } from '../helpers/golden';

const flowsDir = resolve(__dirname, '../../flows');
const files = readdirSync(flowsDir).filter((f) => f.endsWith('.flow.json')).sort();

describe('golden flows', () => {
  it('has example flows to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(files)('%s', (file) => {
    const path = join(flowsDir, file);
    const text = readFileSync(path, 'utf8');

    it('validates with no diagnostics', () => {
      expect(validateFlow(JSON.parse(text), registry)).toEqual([]);
    });

    it('has an id equal to its file stem', () => {
      expect(parseFlowText(text).id).toBe(file.replace(/\.flow\.json$/, ''));
    });

    it('is byte-identical after canonical re-serialization', () => {
      expect(serializeFlow(parseFlowText(text), { defaults: registryDefaults(registry) })).toBe(text);
    });

    it('compiles', () => {
      expect(() => compileFlow(parseFlowText(text), registry)).not.toThrow();
    });

    const casesPath = path.replace(/\.flow\.json$/, '.cases.json');
    it('has test cases', () => {
      expect(existsSync(casesPath), `${casesPath} is missing: every example flow carries its cases`).toBe(true);
    });
    if (!existsSync(casesPath)) return;
    const { cases, env } = JSON.parse(readFileSync(casesPath, 'utf8')) as CasesFile;
    it.each(cases.map((c) => [c.name, c] as const))('case: %s', async (_name, testCase) => {
      const { outputs, summary } = await runCase(parseFlowText(text), registry, testCase, flowsDir, env);
      expect(summary.outcome).toBe('completed');
      for (const [sink, records] of Object.entries(outputs)) {
        expect(records, `records at sink "${sink}"`).toEqual(testCase.expect[sink] ?? []);
      }
    });
  });
});
