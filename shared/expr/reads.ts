import type { RecordSchema } from '../schema/record-schema';
import type { CelNode } from './messages';
import { celBuiltinNames, modelFor } from './schema-types';

/** Field path steps read by an expression; `*` for list items and map values; `[]` is the whole record. */
export type ReadPath = string[];

export interface ExpressionReads {
  /** Every field path whose value can influence the result, in order of first appearance. */
  reads: ReadPath[];
  /**
   * Lists, maps and text whose size only is read (`size(items)`, `items.size()`): their own tags
   * count, not those of what they hold.
   */
  sizes: ReadPath[];
  /**
   * Set when the expression is nothing but one field (`customer`, `record["first-name"]`,
   * `customer.address`): its result is a copy of that field, so the copy keeps the tags inside it.
   */
  identity?: ReadPath;
}

// Macros whose first argument names an iteration variable scoped to the other arguments.
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function isCelNode(v: unknown): v is CelNode {
  return typeof v === 'object' && v !== null && typeof (v as CelNode).op === 'string' && 'args' in v;
}

/**
 * The fields an expression reads, for following tags through computed values (a field computed
 * from `customer.email` is as personal as the address). Over-approximates where it must: a
 * dynamic index (`items[i]`) reads the whole list, `filter` reads whole elements, `has(x)` and
 * comparisons count as reads, `size(x)` reads the size of x only. The iteration variable of a
 * macro stands for the items of what it iterates (`items.map(i, i.sku)` reads `items[*].sku`).
 * Undefined when the text does not parse.
 */
export function expressionReads(source: string, schema: RecordSchema): ExpressionReads | undefined {
  const model = modelFor(schema);
  let ast: CelNode;
  try {
    ast = model.env.parse(source).ast as unknown as CelNode;
  } catch {
    return undefined;
  }
  const builtins = celBuiltinNames();
  const reads: ReadPath[] = [];
  const sizes: ReadPath[] = [];
  const seen = new Set<string>();
  const add = (p: ReadPath) => {
    const key = p.join('\u0000');
    if (!seen.has(key)) {
      seen.add(key);
      reads.push(p);
    }
  };
  const sizeSeen = new Set<string>();
  const addSize = (p: ReadPath) => {
    const key = p.join('\u0000');
    if (!sizeSeen.has(key)) {
      sizeSeen.add(key);
      sizes.push(p);
    }
  };
  /** `size(x)` or `x.size()` of a field: the field it measures. */
  const measured = (n: CelNode, env: Env): ReadPath[] | undefined => {
    const args = n.args as unknown[];
    const target = n.op === 'call' && args[0] === 'size' && (args[1] as unknown[]).length === 1 ? (args[1] as unknown[])[0] : n.op === 'rcall' && args[0] === 'size' && (args[2] as unknown[]).length === 0 ? args[1] : undefined;
    return isCelNode(target) ? denote(target, env) : undefined;
  };
  type Env = ReadonlyMap<string, ReadPath[]>;

  /** The field paths a node stands for when it is a selection chain from a field or bound name. */
  const denote = (n: CelNode, env: Env): ReadPath[] | undefined => {
    switch (n.op) {
      case 'id': {
        const name = n.args as string;
        const bound = env.get(name);
        if (bound) return bound;
        if (name === 'record' && model.recordIsWhole) return [[]];
        if (builtins.has(name)) return undefined;
        return [[name]];
      }
      case '.':
      case '.?': {
        const [target, key] = n.args as [unknown, string];
        const base = isCelNode(target) ? denote(target, env) : undefined;
        return base?.map((p) => [...p, key]);
      }
      case '[]':
      case '[?]': {
        const [target, key] = n.args as [unknown, unknown];
        const base = isCelNode(target) ? denote(target, env) : undefined;
        if (!base || !isCelNode(key) || key.op !== 'value') return undefined;
        if (typeof key.args === 'string') return base.map((p) => [...p, key.args as string]);
        if (typeof key.args === 'bigint' || typeof key.args === 'number') return base.map((p) => [...p, '*']);
        return undefined;
      }
      default:
        return undefined;
    }
  };

  const walk = (n: unknown, env: Env, out: (p: ReadPath) => void): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x, env, out);
      return;
    }
    if (!isCelNode(n)) return;
    const paths = denote(n, env);
    if (paths) {
      paths.forEach(out);
      return;
    }
    const size = measured(n, env);
    if (size) {
      size.forEach(addSize);
      return;
    }
    const args = n.args as unknown[];
    switch (n.op) {
      case 'id':
      case 'value':
        return;
      case '.':
      case '.?':
        return walk(args[0], env, out);
      case '[]':
      case '[?]': {
        // A dynamic index reads the whole of what it indexes.
        const target = args[0];
        const base = isCelNode(target) ? denote(target, env) : undefined;
        if (base) base.forEach(out);
        else walk(target, env, out);
        return walk(args[1], env, out);
      }
      case 'call':
        return walk(args[1], env, out);
      case 'rcall': {
        const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
        const binder = callArgs[0];
        if (isCelNode(binder) && binder.op === 'id' && callArgs.length >= 2) {
          const variable = binder.args as string;
          if (BINDING_MACROS.has(name)) {
            const base = isCelNode(receiver) ? denote(receiver, env) : undefined;
            // filter returns whole elements of what it iterates.
            if (name === 'filter') walk(receiver, env, out);
            const items = base ? base.map((p) => [...p, '*']) : collect(receiver, env);
            return walk(callArgs.slice(1), new Map(env).set(variable, items), out);
          }
          if (name === 'bind' && callArgs.length === 3 && isCelNode(receiver) && receiver.op === 'id' && receiver.args === 'cel') {
            return walk(callArgs[2], new Map(env).set(variable, collect(callArgs[1], env)), out);
          }
        }
        walk(receiver, env, out);
        return walk(callArgs, env, out);
      }
      default:
        return walk(n.args, env, out);
    }
  };

  /** What a sub-expression reads: what a name bound to it stands for. */
  const collect = (n: unknown, env: Env): ReadPath[] => {
    const list: ReadPath[] = [];
    walk(n, env, (p) => list.push(p));
    return list;
  };

  walk(ast, new Map(), add);
  const identity = denote(ast, new Map());
  return { reads, sizes, ...(identity && identity.length === 1 ? { identity: identity[0] } : {}) };
}
