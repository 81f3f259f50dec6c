import { isPlainObject } from '../../shared/node-kit/paths';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configJsonSchema, type NodeDefinition } from '../../shared/node-kit/define';
import { REF_IN_TEXT_PATTERN } from '../../shared/node-kit/hints';
import type { Logger } from '../../shared/node-kit/runtime';

/** Looks up `${secret:NAME}` values. */
export interface SecretResolver {
  /**
   * Resolves to the secret's value, or undefined when no such secret exists. Rejects only when
   * the store itself fails (e.g. a secrets file exists but cannot be read).
   */
  resolve(name: string): Promise<string | undefined>;
  /** Where an operator puts this secret, for the "missing secret" message. */
  hint?(name: string): string;
}

/** `db.password` / `db-password` → `SLUICE_SECRET_DB_PASSWORD`. */
export function secretEnvName(name: string): string {
  return `SLUICE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/**
 * The default secret store: the variable `SLUICE_SECRET_<NAME>` (upper-cased, `.` and `-` as `_`)
 * in `env`, else the file `<SLUICE_SECRETS_DIR>/<NAME>` (one trailing newline dropped), as
 * mounted by Kubernetes or Docker secrets.
 */
export function defaultSecretResolver(env: Record<string, string | undefined>): SecretResolver {
  return {
    async resolve(name) {
      const fromEnv = env[secretEnvName(name)];
      if (fromEnv !== undefined) return fromEnv;
      const dir = env.SLUICE_SECRETS_DIR;
      if (!dir) return undefined;
      try {
        return (await readFile(join(dir, name), 'utf8')).replace(/\r?\n$/, '');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(`cannot read secret "${name}" from ${join(dir, name)}: ${(err as Error).message}`);
      }
    },
    hint: (name) =>
      env.SLUICE_SECRETS_DIR
        ? `set ${secretEnvName(name)} or create the file ${join(env.SLUICE_SECRETS_DIR, name)}`
        : `set ${secretEnvName(name)}, or SLUICE_SECRETS_DIR to a folder holding a file named ${name}`,
  };
}

/**
 * Secret values known to this run; everything written to logs passes through `scrub`. Values
 * are replaced however short they are, longest first, both raw and as they appear inside JSON
 * strings, because a leaked secret costs more than a mangled log line.
 */
export class SecretSet {
  private values: string[] = [];

  add(value: string): void {
    if (!value || this.values.includes(value)) return;
    this.values.push(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value && !this.values.includes(escaped)) this.values.push(escaped);
    this.values.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.length;
  }

  scrub(text: string): string {
    if (this.values.length === 0) return text;
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('***');
    return out;
  }

  /** Scrubs strings anywhere inside plain objects, arrays and errors. */
  scrubValue(value: unknown, depth = 0): unknown {
    if (this.values.length === 0) return value;
    if (typeof value === 'string') return this.scrub(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return { name: value.name, message: this.scrub(value.message) };
    if (Array.isArray(value)) return value.map((v) => this.scrubValue(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.scrubValue(v, depth + 1);
    return out;
  }
}

/** Wraps a logger so messages and fields are scrubbed and carry `base` fields. */
export function scrubbingLogger(inner: Logger, secrets: SecretSet, base: Record<string, unknown> = {}): Logger {
  const wrap = (fn: Logger['info']) => (msg: string, fields?: Record<string, unknown>) =>
    fn(secrets.scrub(msg), secrets.scrubValue({ ...base, ...fields }) as Record<string, unknown>);
  return {
    debug: wrap((m, f) => inner.debug(m, f)),
    info: wrap((m, f) => inner.info(m, f)),
    warn: wrap((m, f) => inner.warn(m, f)),
    error: wrap((m, f) => inner.error(m, f)),
  };
}

export interface ReferenceOwner {
  kind: 'node' | 'resource';
  id: string;
  def?: Pick<NodeDefinition, 'config'>;
}

interface FoundRef {
  kind: 'secret' | 'env';
  name: string;
  path: string;
  secretField: boolean;
}

type JsonSchemaNode = { properties?: Record<string, JsonSchemaNode>; items?: JsonSchemaNode; 'x-secret'?: boolean };

/** Thrown when references cannot be resolved; lists every missing one with node and field. */
export class ConfigReferenceError extends Error {
  constructor(readonly missing: string[]) {
    super(`cannot resolve config references:\n  ${missing.join('\n  ')}`);
    this.name = 'ConfigReferenceError';
  }
}

/**
 * Replaces `${env:NAME}` and `${secret:NAME}` inside every string of a parsed config (the
 * config is not modified; a copy comes back). Secret values, and env values that land in a
 * field marked `x-secret`, are added to `secrets`. Rejects with a ConfigReferenceError naming
 * owner, field and reference for everything missing.
 */
export async function resolveReferences<T>(
  configs: Array<{ owner: ReferenceOwner; config: T }>,
  env: Record<string, string | undefined>,
  resolver: SecretResolver,
  secrets: SecretSet,
): Promise<T[]> {
  const found: Array<FoundRef[]> = configs.map(({ owner, config }) => {
    const refs: FoundRef[] = [];
    const schema = owner.def ? safeJsonSchema(owner.def) : undefined;
    collect(config, '', schema, false, refs);
    return refs;
  });
  const secretValues = new Map<string, string | undefined>();
  for (const name of new Set(found.flat().filter((r) => r.kind === 'secret').map((r) => r.name))) {
    secretValues.set(name, await resolver.resolve(name));
  }
  const missing: string[] = [];
  found.forEach((refs, i) => {
    const owner = (configs[i] as { owner: ReferenceOwner }).owner;
    for (const r of refs) {
      const value = r.kind === 'env' ? env[r.name] : secretValues.get(r.name);
      const where = `${owner.kind} "${owner.id}" field ${r.path || '/'}`;
      if (value === undefined) {
        missing.push(
          r.kind === 'env'
            ? `${where}: \${env:${r.name}} is not set (environment variable ${r.name})`
            : `${where}: \${secret:${r.name}} is not set (${resolver.hint?.(r.name) ?? 'no such secret'})`,
        );
      } else if (r.kind === 'secret' || r.secretField) {
        secrets.add(value);
      }
    }
  });
  if (missing.length) throw new ConfigReferenceError(missing);
  const lookup = (kind: string, name: string) => (kind === 'env' ? env[name] : secretValues.get(name)) as string;
  return configs.map(({ config }) => substitute(config, lookup) as T);
}

function safeJsonSchema(def: Pick<NodeDefinition, 'config'>): JsonSchemaNode | undefined {
  try {
    return configJsonSchema(def) as JsonSchemaNode;
  } catch {
    return undefined;
  }
}

function refPattern(): RegExp {
  return new RegExp(REF_IN_TEXT_PATTERN.source, 'g');
}

function collect(value: unknown, path: string, schema: JsonSchemaNode | undefined, secretField: boolean, out: FoundRef[]): void {
  const isSecret = secretField || schema?.['x-secret'] === true;
  if (typeof value === 'string') {
    for (const m of value.matchAll(refPattern())) {
      out.push({ kind: m[1] as 'secret' | 'env', name: m[2] as string, path, secretField: isSecret });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => collect(v, `${path}/${i}`, schema?.items, isSecret, out));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) collect(v, `${path}/${k}`, schema?.properties?.[k], isSecret, out);
  }
}

function substitute(value: unknown, lookup: (kind: string, name: string) => string): unknown {
  if (typeof value === 'string') {
    return value.includes('${') ? value.replace(refPattern(), (_m, kind: string, name: string) => lookup(kind, name)) : value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, lookup));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, lookup);
    return out;
  }
  return value;
}
