import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules of the architecture note (§1 Layout): shared/ is pure TypeScript that runs in the
 * browser and in Node (nothing from designer/ or runtime/, no React, no Node built-ins);
 * designer/src never reaches into runtime/; runtime/ never reaches into designer/.
 */

const ROOT = normalize(join(new URL('../..', import.meta.url).pathname));
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|jsx)$/;

/** Every module specifier a file imports, re-exports, requires or imports dynamically. */
function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(ROOT, dir));
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const rel = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Repository-relative target of a relative specifier, or undefined for a package. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(ROOT, join(ROOT, dirname(file), specifier)).split(sep).join('/');
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0] as string]));

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] as string);
}

function isReact(specifier: string): boolean {
  return /^(react|react-dom)(\/|$)/.test(specifier);
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

interface Rule {
  files: string;
  check(file: string, specifier: string): string | undefined;
}

const RULES: Rule[] = [
  {
    files: 'shared',
    check(file, spec) {
      const to = target(file, spec);
      if (to !== undefined && !within(to, 'shared')) return `shared/ must not import from outside shared/ (here: ${to}); move the code into shared/ or invert the dependency`;
      if (isReact(spec)) return 'shared/ must not import React; UI code belongs in designer/src';
      if (isNodeBuiltin(spec)) return 'shared/ must not use Node built-ins (it runs in the browser too); inject the capability through RuntimeContext';
      return undefined;
    },
  },
  {
    files: 'designer/src',
    check(file, spec) {
      const to = target(file, spec);
      if (to !== undefined && within(to, 'runtime')) return `designer/src must not import runtime/ (here: ${to}); go through the designer server's API or shared/`;
      return undefined;
    },
  },
  {
    files: 'runtime',
    check(file, spec) {
      const to = target(file, spec);
      if (to !== undefined && within(to, 'designer')) return `runtime/ must not import designer/ (here: ${to}); put shared code in shared/`;
      return undefined;
    },
  },
];

/**
 * Code that runs under tsx (the CLI, the runtime, scripts, the CLI's test registry) must import
 * node modules as `./x.node.ts`: tsx takes `.node` for a native-addon extension and never tries
 * `.ts`, so `./x.node` fails there although vitest and tsc accept it.
 */
const TSX_DIRS = ['shared', 'runtime', 'designer', 'scripts', 'bin', 'test/cli/fixtures'];

function nodeModuleWithoutTs(file: string, spec: string): string | undefined {
  if (spec.startsWith('.') && spec.endsWith('.node')) return `write "${spec}.ts": tsx cannot resolve "${spec}" (it reads ".node" as a native-addon extension)`;
  return undefined;
}

function violations(rule: Rule, files: Array<{ file: string; source: string }>): string[] {
  const out: string[] = [];
  for (const { file, source } of files) {
    for (const spec of importSpecifiers(source)) {
      const problem = rule.check(file, spec);
      if (problem) out.push(`${file} imports "${spec}": ${problem}`);
    }
  }
  return out;
}

describe('import rules', () => {
  for (const rule of RULES) {
    it(`${rule.files}/ follows its import rule`, () => {
      const files = sourceFiles(rule.files).map((file) => ({ file, source: readFileSync(join(ROOT, file), 'utf8') }));
      if (rule.files === 'shared') expect(files.length).toBeGreaterThan(0);
      expect(violations(rule, files)).toEqual([]);
    });
  }
});

describe('imports of node modules under tsx', () => {
  it('name the .ts file', () => {
    const files = TSX_DIRS.flatMap(sourceFiles).map((file) => ({ file, source: readFileSync(join(ROOT, file), 'utf8') }));
    expect(violations({ files: '', check: nodeModuleWithoutTs }, files)).toEqual([]);
  });

  it('are caught without the extension', () => {
    const files = [{ file: 'shared/nodes/index.ts', source: "import filter from './core/filter.node';\nimport map from './core/map.node.ts';" }];
    expect(violations({ files: '', check: nodeModuleWithoutTs }, files)).toEqual([
      'shared/nodes/index.ts imports "./core/filter.node": write "./core/filter.node.ts": tsx cannot resolve "./core/filter.node" (it reads ".node" as a native-addon extension)',
    ]);
  });
});

describe('the import scanner', () => {
  const rule = (files: string) => RULES.find((r) => r.files === files) as Rule;

  it('sees every kind of import', () => {
    const source = `
      import { a } from './a';
      import type {
        B,
      } from '../b';
      import 'side-effect';
      export * from './c';
      export { d } from "./d";
      const e = await import('./e');
      const f = require('f');
      const text = "import nothing from 'not-an-import'";
    `;
    expect(importSpecifiers(source).sort()).toEqual(['../b', './a', './c', './d', './e', 'f', 'side-effect']);
  });

  it('catches each forbidden import', () => {
    const files = [
      { file: 'shared/expr/x.ts', source: "import { readFile } from 'node:fs/promises';" },
      { file: 'shared/expr/y.ts', source: "import path from 'path';" },
      { file: 'shared/expr/z.ts', source: "import type { FlowPlan } from '../../runtime/compiler/plan';" },
      { file: 'shared/flow/w.ts', source: "export { useStore } from '../../designer/src/store';" },
      { file: 'shared/nodes/v.ts', source: "import { useState } from 'react';" },
      { file: 'shared/nodes/ok.ts', source: "import { z } from 'zod'; import { x } from '../flow/document';" },
    ];
    expect(violations(rule('shared'), files).map((v) => v.split(':')[0])).toEqual([
      'shared/expr/x.ts imports "node',
      'shared/expr/y.ts imports "path"',
      'shared/expr/z.ts imports "../../runtime/compiler/plan"',
      'shared/flow/w.ts imports "../../designer/src/store"',
      'shared/nodes/v.ts imports "react"',
    ]);
    expect(violations(rule('designer/src'), [{ file: 'designer/src/preview/p.ts', source: "const m = await import('../../../runtime/engine');" }])).toHaveLength(1);
    expect(violations(rule('designer/src'), [{ file: 'designer/src/p.ts', source: "import { x } from '../../shared/flow';" }])).toEqual([]);
    expect(violations(rule('runtime'), [{ file: 'runtime/cli.ts', source: "import { x } from '../designer/server/app';" }])).toHaveLength(1);
  });
});
