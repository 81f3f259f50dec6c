import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, WIDGETS, configJsonSchema, type NodeDefinition, type ResourceDefinition } from '../../../shared/node-kit';
import { runNode } from '../../helpers/run-node';

/**
 * The registry contract: every node and resource module on disk is listed in
 * shared/nodes/index.ts, is complete (title, summary, docs, icon, examples), has examples that
 * parse and produce what they claim, has a config schema that turns into JSON Schema, follows
 * the naming rules, and has its unit test. Each failure names the file and the fix.
 */

const ROOT = new URL('../../..', import.meta.url).pathname;
const NODES = 'shared/nodes';
const INDEX = `${NODES}/index.ts`;
const TYPE_PATTERN = /^[a-z][a-z0-9]*\.[a-z][a-z0-9-]*$/;
const PORT_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

interface Module {
  /** e.g. shared/nodes/core/filter.node.ts */
  file: string;
  kind: 'node' | 'resource';
  family: string;
  name: string;
  /** How index.ts imports it: ./core/filter.node */
  specifier: string;
  testFile: string;
}

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((entry) => {
    const rel = `${dir}/${entry}`;
    return statSync(join(ROOT, rel)).isDirectory() ? walk(rel) : [rel];
  });
}

const modules: Module[] = walk(NODES)
  .flatMap((file) => {
    const m = /^shared\/nodes\/(.+)\/([^/]+)\.(node|resource)\.ts$/.exec(file);
    if (!m) return [];
    const [, family, name, kind] = m as unknown as [string, string, string, 'node' | 'resource'];
    return [{ file, kind, family, name, specifier: `./${family}/${name}.${kind}`, testFile: `test/shared/nodes/${family}/${name}.test.ts` }];
  })
  .sort((a, b) => (a.file < b.file ? -1 : 1));

const indexText = readFileSync(join(ROOT, INDEX), 'utf8');
/**
 * Specifier (without `.ts`) → imported identifier, from `import x from './family/name.node.ts'`.
 * The `.ts` is needed under tsx, which takes `.node` for a native-addon extension.
 */
const indexImports = new Map(
  [...indexText.matchAll(/^import\s+(\w+)\s+from\s+['"](\.\/[^'"]+?)(?:\.ts)?['"]/gm)].map((m) => [m[2] as string, m[1] as string]),
);

function listed(arrayName: 'NODE_TYPES' | 'RESOURCE_TYPES'): Set<string> {
  const m = new RegExp(`export const ${arrayName}\\b[^=]*=\\s*\\[([^\\]]*)\\]`).exec(indexText);
  return new Set((m?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

function suggestedIdentifier(mod: Module): string {
  const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (mod.family === 'core' || mod.family === 'resources') return camel(mod.name);
  return camel(`${mod.family}-${mod.name}`);
}

async function load(mod: Module): Promise<NodeDefinition | ResourceDefinition> {
  const exports = (await import(join(ROOT, mod.file))) as { default?: NodeDefinition | ResourceDefinition };
  if (!exports.default) throw new Error(`${mod.file} has no default export: end it with \`export default define${mod.kind === 'node' ? 'Node' : 'Resource'}({...})\``);
  return exports.default;
}

/** Every subschema of a JSON Schema, for checking hints wherever they sit. */
function subschemas(schema: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(schema)) for (const s of schema) subschemas(s, out);
  else if (schema && typeof schema === 'object') {
    out.push(schema as Record<string, unknown>);
    for (const v of Object.values(schema)) subschemas(v, out);
  }
  return out;
}

/** Ports with no records are left out, so `{out: [], rejected: [x]}` equals `{rejected: [x]}`. */
function nonEmpty(outputs: Record<string, unknown[]> | undefined): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(outputs ?? {}).filter(([, v]) => v.length > 0));
}

it('finds the node modules', () => {
  expect(modules.length, `no *.node.ts files under ${NODES}`).toBeGreaterThan(0);
});

for (const mod of modules) {
  describe(mod.file, () => {
    const arrayName = mod.kind === 'node' ? 'NODE_TYPES' : 'RESOURCE_TYPES';

    it(`is listed in ${INDEX}`, () => {
      const ident = indexImports.get(mod.specifier);
      const fix = `add \`import ${ident ?? suggestedIdentifier(mod)} from '${mod.specifier}.ts'\` and list it in ${arrayName}`;
      if (!ident) throw new Error(`${mod.file} is not listed in ${INDEX}: ${fix}`);
      if (!listed(arrayName).has(ident)) throw new Error(`${mod.file} is imported by ${INDEX} as ${ident} but not in ${arrayName}: ${fix}`);
    });

    it('has a unit test', () => {
      if (!existsSync(join(ROOT, mod.testFile))) {
        throw new Error(`${mod.file} has no unit test: create ${mod.testFile} (test it through runNode from test/helpers/run-node.ts)`);
      }
    });

    it('is a complete definition with a well-formed type name', async () => {
      const def = await load(mod);
      const problems: string[] = [];
      const expectedType = mod.kind === 'node' ? `${mod.family}.${mod.name}` : undefined;
      if (!TYPE_PATTERN.test(def.type)) problems.push(`type "${def.type}" must look like "family.name" (lower case, e.g. "core.filter")`);
      if (expectedType && def.type !== expectedType) {
        problems.push(`type "${def.type}" must match the file: shared/nodes/<family>/<name>.node.ts holds "<family>.<name>" ("${expectedType}")`);
      }
      if (mod.kind === 'resource' && def.type.replace('.', '-') !== mod.name) {
        problems.push(`resource type "${def.type}" must live in shared/nodes/${mod.family}/${def.type.replace('.', '-')}.resource.ts`);
      }
      if (!Number.isInteger(def.version) || def.version < 1) problems.push(`version must be a whole number ≥ 1, not ${def.version}`);
      for (const key of ['title', 'summary', 'docs'] as const) {
        if (typeof def[key] !== 'string' || def[key].trim() === '') problems.push(`${key} is missing: write the user-facing ${key} in the definition`);
      }
      if (typeof def.summary === 'string' && def.summary.includes('\n')) problems.push('summary must be one line');
      if (!Array.isArray(def.examples) || def.examples.length === 0) problems.push('examples are missing: add at least one worked example (config, and input/output where it makes sense)');
      for (let v = 1; v < def.version; v++) {
        if (!def.migrations?.[v]) problems.push(`version ${def.version} needs migrations[${v}] so flows saved with v${v} keep loading`);
      }
      if (mod.kind === 'node') {
        const node = def as NodeDefinition;
        if (typeof node.icon !== 'string' || node.icon.trim() === '') problems.push('icon is missing: name an icon from the designer icon set');
        if (!(CATEGORIES as readonly string[]).includes(node.category)) problems.push(`category "${node.category}" must be one of ${CATEGORIES.join(', ')}`);
        const inputs = node.ports.inputs.map((p) => p.name);
        const staticOutputs = typeof node.ports.outputs === 'function' ? undefined : node.ports.outputs.map((p) => p.name);
        for (const p of [...inputs, ...(staticOutputs ?? [])]) if (!PORT_PATTERN.test(p)) problems.push(`port "${p}" must be a slug (lower case, digits, "-")`);
        if (node.category === 'source' && inputs.length) problems.push('a source has no input ports');
        if (node.category !== 'source' && inputs.length === 0) problems.push(`a ${node.category} needs an input port (usually "in")`);
        if (node.category === 'sink' && staticOutputs && staticOutputs.length) problems.push('a sink has no output ports');
        if (typeof node.create !== 'function') problems.push('create(config, ctx) is missing');
      }
      expect(problems, `${mod.file}:\n  ${problems.join('\n  ')}`).toEqual([]);
    });

    it('has a config schema that generates JSON Schema with known hints', async () => {
      const def = await load(mod);
      let schema: Record<string, unknown>;
      try {
        schema = configJsonSchema(def);
      } catch (err) {
        throw new Error(`${mod.file}: configJsonSchema fails: ${(err as Error).message}; use zod types that JSON Schema can express (no transforms or custom refinements in config)`);
      }
      const problems: string[] = [];
      for (const s of subschemas(schema)) {
        const widget = s['x-widget'];
        if (widget !== undefined && !(WIDGETS as readonly unknown[]).includes(widget)) problems.push(`unknown x-widget "${String(widget)}" (known: ${WIDGETS.join(', ')})`);
        if (widget === 'resource-ref' && typeof s['x-resource-type'] !== 'string') problems.push('a resource-ref field needs x-resource-type: use hint.resourceRef(schema, "<resource type>")');
        if (widget === 'expression' && !['bool', 'any'].includes(String(s['x-expr-type']))) problems.push('an expression field needs x-expr-type: use hint.expression(schema, {resultType})');
      }
      expect(problems, `${mod.file}:\n  ${problems.join('\n  ')}`).toEqual([]);
    });

    it('has examples whose configs parse and pass lint', async () => {
      const def = await load(mod);
      const problems: string[] = [];
      for (const ex of def.examples ?? []) {
        const parsed = def.config.safeParse(ex.config);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => `/${i.path.map(String).join('/')}: ${i.message}`).join('; ');
          problems.push(`example "${ex.title}" config does not parse: ${issues}`);
          continue;
        }
        const lintErrors = (def.lint?.(parsed.data) ?? []).filter((l) => l.severity !== 'warning');
        if (lintErrors.length) problems.push(`example "${ex.title}" config fails lint: ${lintErrors.map((l) => `${l.path}: ${l.message}`).join('; ')}`);
      }
      const titles = (def.examples ?? []).map((e) => e.title);
      for (const t of new Set(titles)) if (titles.filter((x) => x === t).length > 1) problems.push(`example title "${t}" is used twice`);
      expect(problems, `${mod.file}:\n  ${problems.join('\n  ')}`).toEqual([]);
    });

    if (mod.kind === 'node') {
      it('has examples that produce their stated output', async () => {
        const def = (await load(mod)) as NodeDefinition;
        for (const ex of def.examples) {
          if (ex.input === undefined && ex.output === undefined) continue;
          const where = `${mod.file}: example "${ex.title}"`;
          const limit = def.category === 'source' ? Object.values(ex.output ?? {}).reduce((n, v) => n + v.length, 0) : undefined;
          let result;
          try {
            result = await runNode(def, ex.config, def.category === 'source' ? [] : (ex.input ?? []), limit ? { limit } : {});
          } catch (err) {
            throw new Error(`${where} fails to run: ${(err as Error).message}`);
          }
          expect(result.errors.map((e) => `record ${e.index}: ${e.error.message}`), `${where}: records failed`).toEqual([]);
          if (ex.output !== undefined) {
            const actual = nonEmpty(def.category === 'sink' ? { accepted: result.outputs.accepted ?? [] } : result.outputs);
            expect(actual, `${where}: runNode output differs from the example's output`).toEqual(nonEmpty(ex.output));
          }
        }
      });
    }
  });
}

describe(`${INDEX}`, () => {
  it('imports only modules that exist', () => {
    const dangling = [...indexImports.keys()].filter((spec) => !existsSync(join(ROOT, NODES, `${spec.slice(2)}.ts`)));
    expect(dangling.map((s) => `${INDEX} imports ${s}, but ${NODES}/${s.slice(2)}.ts does not exist: write it or remove the line`)).toEqual([]);
  });

  it('builds a registry of unique types, each from its own module', async () => {
    const index = (await import(join(ROOT, INDEX))) as { NODE_TYPES: NodeDefinition[]; RESOURCE_TYPES: ResourceDefinition[] };
    const problems: string[] = [];
    for (const [what, list] of [['NODE_TYPES', index.NODE_TYPES], ['RESOURCE_TYPES', index.RESOURCE_TYPES]] as const) {
      const types = list.map((d) => `${d.type}@${d.version}`);
      for (const t of new Set(types)) if (types.filter((x) => x === t).length > 1) problems.push(`${what} lists ${t} twice`);
    }
    const fromFiles = new Set<unknown>();
    for (const mod of modules) fromFiles.add(await load(mod));
    for (const def of [...index.NODE_TYPES, ...index.RESOURCE_TYPES]) {
      if (!fromFiles.has(def)) problems.push(`${def.type} is registered but not the default export of a ${NODES}/<family>/<name>.node.ts or .resource.ts module`);
    }
    const resourceTypes = new Set(index.RESOURCE_TYPES.map((r) => r.type));
    for (const def of [...index.NODE_TYPES, ...index.RESOURCE_TYPES]) {
      for (const s of subschemas(configJsonSchema(def))) {
        const wanted = s['x-resource-type'];
        if (typeof wanted === 'string' && !resourceTypes.has(wanted)) problems.push(`${def.type} refers to resource type "${wanted}", which is not in RESOURCE_TYPES`);
      }
    }
    expect(problems).toEqual([]);
  });
});
