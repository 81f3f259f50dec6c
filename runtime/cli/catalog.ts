import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CATEGORIES, configJsonSchema, configDefaults, type NodeDefinition, type PortDef, type ResourceDefinition } from '../../shared/node-kit/define';
import type { Registry } from '../../shared/node-kit/registry';
import type { CliIO } from './io';

type JsonSchema = Record<string, unknown>;

export interface NodeCatalogEntry {
  type: string;
  version: number;
  category: string;
  title: string;
  summary: string;
  icon: string;
  docs: string;
  ports: {
    inputs: PortDef[];
    /** For the default config; see `outputsFromConfig`. */
    outputs: PortDef[];
    /** True when the output ports are derived from the config (routes, optional ports). */
    outputsFromConfig: boolean;
  };
  config: JsonSchema;
  examples: NodeDefinition['examples'];
}

export interface ResourceCatalogEntry {
  type: string;
  version: number;
  title: string;
  summary: string;
  docs: string;
  config: JsonSchema;
  examples: ResourceDefinition['examples'];
}

export interface Catalog {
  nodes: NodeCatalogEntry[];
  resources: ResourceCatalogEntry[];
}

/** Everything a palette or a docs site needs about each type, sorted by type. */
export function buildCatalog(registry: Registry): Catalog {
  const nodes = [...registry.nodes()]
    .sort((a, b) => compare(a.type, b.type) || a.version - b.version)
    .map((def) => ({
      type: def.type,
      version: def.version,
      category: def.category,
      title: def.title,
      summary: def.summary,
      icon: def.icon,
      docs: def.docs,
      ports: {
        inputs: [...def.ports.inputs],
        outputs: defaultOutputs(def),
        outputsFromConfig: typeof def.ports.outputs === 'function',
      },
      config: configJsonSchema(def),
      examples: def.examples,
    }));
  const resources = [...registry.resources()]
    .sort((a, b) => compare(a.type, b.type) || a.version - b.version)
    .map((def) => ({
      type: def.type,
      version: def.version,
      title: def.title,
      summary: def.summary,
      docs: def.docs,
      config: configJsonSchema(def),
      examples: def.examples,
    }));
  return { nodes, resources };
}

/**
 * Output ports for the config a new node starts with. Config-derived ports need a config that
 * parses: the empty one, else the defaults, else the first example.
 */
function defaultOutputs(def: NodeDefinition): PortDef[] {
  const outputs = def.ports.outputs;
  if (typeof outputs !== 'function') return [...outputs];
  const candidates: unknown[] = [{}, configDefaults(def), ...def.examples.map((e) => e.config)];
  for (const candidate of candidates) {
    const parsed = def.config.safeParse(candidate);
    if (!parsed.success) continue;
    try {
      return outputs(parsed.data);
    } catch {
      // This config is not one the port function handles; try the next candidate.
    }
  }
  return [];
}

/** `sluice catalog [--md <dir>]`. */
export async function catalogCommand(options: { md?: string }, registry: Registry, io: CliIO): Promise<number> {
  const catalog = buildCatalog(registry);
  if (options.md === undefined) {
    io.stdout(`${JSON.stringify(catalog, null, 2)}\n`);
    return 0;
  }
  await mkdir(options.md, { recursive: true });
  const pages = markdownPages(catalog);
  for (const [name, text] of pages) await writeFile(join(options.md, name), text);
  io.stderr(`wrote ${pages.size} pages to ${options.md}\n`);
  return 0;
}

/** File name → Markdown: one page per node and resource type, plus index.md. */
export function markdownPages(catalog: Catalog): Map<string, string> {
  const pages = new Map<string, string>();
  for (const n of catalog.nodes) pages.set(pageName(n.type), nodePage(n));
  for (const r of catalog.resources) pages.set(pageName(r.type), resourcePage(r));
  pages.set('index.md', indexPage(catalog));
  return pages;
}

function pageName(type: string): string {
  return `${type}.md`;
}

function indexPage(catalog: Catalog): string {
  const out = ['# Sluice node types', ''];
  for (const category of CATEGORIES) {
    const members = catalog.nodes.filter((n) => n.category === category);
    if (members.length === 0) continue;
    out.push(`## ${capitalise(category)}s`, '');
    for (const n of members) out.push(`- [${n.title}](${pageName(n.type)}) (\`${n.type}\`): ${n.summary}`);
    out.push('');
  }
  if (catalog.resources.length) {
    out.push('## Resources', '');
    for (const r of catalog.resources) out.push(`- [${r.title}](${pageName(r.type)}) (\`${r.type}\`): ${r.summary}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function nodePage(n: NodeCatalogEntry): string {
  const out = [`# ${n.title}`, '', `\`${n.type}\` · version ${n.version} · ${n.category}`, '', n.summary, ''];
  if (n.docs.trim()) out.push(n.docs.trim(), '');
  out.push('## Ports', '');
  out.push(`Inputs: ${portList(n.ports.inputs)}`, '');
  out.push(`Outputs: ${portList(n.ports.outputs)}`, '');
  if (n.ports.outputsFromConfig) out.push('The output ports depend on the configuration; these are the ones of the default configuration.', '');
  out.push(...configSection(n.config));
  out.push(...examplesSection(n.examples));
  return `${out.join('\n').trimEnd()}\n`;
}

function resourcePage(r: ResourceCatalogEntry): string {
  const out = [`# ${r.title}`, '', `\`${r.type}\` · version ${r.version} · resource`, '', r.summary, ''];
  if (r.docs.trim()) out.push(r.docs.trim(), '');
  out.push(...configSection(r.config));
  out.push(...examplesSection(r.examples));
  return `${out.join('\n').trimEnd()}\n`;
}

function portList(ports: readonly PortDef[]): string {
  if (ports.length === 0) return 'none';
  return ports.map((p) => `\`${p.name}\`${p.title ? ` (${p.title})` : ''}${p.description ? `: ${p.description}` : ''}`).join(', ');
}

function examplesSection(examples: ReadonlyArray<{ title: string; description?: string; config: unknown; input?: unknown[]; output?: Record<string, unknown[]> }>): string[] {
  if (examples.length === 0) return [];
  const out = ['## Examples', ''];
  for (const ex of examples) {
    out.push(`### ${ex.title}`, '');
    if (ex.description) out.push(ex.description, '');
    out.push('Configuration:', '', ...jsonBlock(ex.config));
    if (ex.input) out.push('Records in:', '', ...jsonBlock(ex.input));
    if (ex.output) out.push('Records out, per port:', '', ...jsonBlock(ex.output));
  }
  return out;
}

function jsonBlock(value: unknown): string[] {
  return ['```json', JSON.stringify(value, null, 2), '```', ''];
}

interface ConfigRow {
  field: string;
  required: boolean;
  schema: JsonSchema;
}

function configSection(schema: JsonSchema): string[] {
  const rows: ConfigRow[] = [];
  collectRows(schema, schema, '', rows, 0);
  if (rows.length === 0) return ['## Configuration', '', 'This type has no configuration.', ''];
  const out = ['## Configuration', '', '| Field | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const r of rows) {
    const field = `\`${r.field}\`${r.required ? ' (required)' : ''}`;
    const def = 'default' in r.schema ? `\`${JSON.stringify(r.schema.default)}\`` : '';
    const description = [r.schema.title, r.schema.description].filter((s): s is string => typeof s === 'string' && s !== '');
    const text = description.length === 2 ? `**${description[0]}.** ${description[1]}` : (description[0] ?? '');
    out.push(`| ${cell(field)} | ${cell(typeName(r.schema))} | ${cell(def)} | ${cell(text)} |`);
  }
  out.push('');
  return out;
}

/** Flattens nested objects into `a.b`, array items into `a[].b`, map values into `a.*`. */
function collectRows(root: JsonSchema, schema: JsonSchema, prefix: string, rows: ConfigRow[], depth: number): void {
  if (depth > 8) return;
  const s = deref(root, schema);
  const props = isSchema(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  for (const [name, raw] of Object.entries(props)) {
    if (!isSchema(raw)) continue;
    const child = deref(root, raw);
    const field = prefix ? `${prefix}.${name}` : name;
    rows.push({ field, required: required.has(name), schema: child });
    descend(root, child, field, rows, depth);
  }
}

function descend(root: JsonSchema, child: JsonSchema, field: string, rows: ConfigRow[], depth: number): void {
  if (isSchema(child.properties)) collectRows(root, child, field, rows, depth + 1);
  if (isSchema(child.items)) {
    const items = deref(root, child.items);
    if (isSchema(items.properties)) collectRows(root, items, `${field}[]`, rows, depth + 1);
  }
  if (isSchema(child.additionalProperties)) {
    const values = deref(root, child.additionalProperties);
    if (isSchema(values.properties)) collectRows(root, values, `${field}.*`, rows, depth + 1);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const b of Array.isArray(child[key]) ? (child[key] as unknown[]) : []) {
      if (isSchema(b) && isSchema(deref(root, b).properties)) collectRows(root, deref(root, b), field, rows, depth + 1);
    }
  }
}

function typeName(raw: JsonSchema): string {
  const s = raw;
  const widget = s['x-widget'];
  if (widget === 'expression') return s['x-expr-type'] === 'bool' ? 'CEL condition (bool)' : 'CEL expression';
  if (widget === 'resource-ref') return typeof s['x-resource-type'] === 'string' ? `resource id (${s['x-resource-type']})` : 'resource id';
  if (widget === 'secret-ref' || s['x-secret'] === true) return 'secret reference (${secret:NAME})';
  if (widget === 'duration') return 'duration (e.g. 500ms, 5s)';
  if (widget === 'field') return 'field path';
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in s) return `always ${JSON.stringify(s.const)}`;
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key])) return (s[key] as unknown[]).filter(isSchema).map(typeName).join(' or ');
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).join(' or ') : typeof s.type === 'string' ? s.type : 'any';
  if (type === 'array' && isSchema(s.items)) return `list of ${plural(typeName(s.items))}`;
  if (type === 'object' && isSchema(s.additionalProperties) && !isSchema(s.properties) && Object.keys(s.additionalProperties).length > 0) {
    return `map of ${plural(typeName(s.additionalProperties))}`;
  }
  return type;
}

function plural(name: string): string {
  if (name.startsWith('one of ')) return `values, each ${name}`;
  const m = /^([a-zA-Z][a-zA-Z ]*?)( \(.*\))?$/.exec(name);
  return m ? `${m[1]}s${m[2] ?? ''}` : `items of type ${name}`;
}

function deref(root: JsonSchema, schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = isSchema(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isSchema(target) ? target : schema;
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
