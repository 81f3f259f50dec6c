import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../../shared/expr');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('shared/expr stays pure', () => {
  it.each(files)('%s imports nothing Node-only, React, runtime or designer', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    for (const spec of imports) {
      expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:|^react|\/runtime\/|\/designer\/|^(fs|path|os|vm|child_process)$/);
    }
  });

  it.each(files)('%s never evaluates text as code', (file) => {
    const code = readFileSync(join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\beval\s*\(|new\s+Function\b|\bvm\./);
  });
});
