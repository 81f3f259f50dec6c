import { isJsonObject, type JsonObject } from '../../../node-kit/message';
import { setOwn } from '../../../node-kit/paths';
import type { LeafOp } from './paths';

/**
 * All redaction rules of a node compiled into one trie, applied in a single walk: each object
 * or array on a rule's path is copied once however many rules touch it (applying rules one by
 * one copied the record once per rule), and dropped fields are left out of the copy instead of
 * deleted afterwards (`delete` turns an object into a slow dictionary-mode object, which costs
 * every later read and the JSON writer).
 *
 * The result is exactly that of applying the rules one by one in order (the model in
 * test/shared/nodes/redact/compiled.test.ts checks this on random records and rule sets). Where
 * a field has its own rules and rules below it, the walk runs in rule-index windows: the rules
 * below with lower indices, then the field's rule, then the next window.
 */
interface Op {
  rule: number;
  /** Undefined for a drop. */
  replace?: (value: unknown) => unknown;
}

interface Trie {
  /** Rules ending at this field, in rule order. */
  ops: Op[];
  children: Map<string, Trie>;
  /** For each named child, that child merged with the `*` child: what a field of that name gets. */
  byName: Map<string, Trie>;
  /** byName as parallel arrays: iterating a Map allocates per step, and this runs per record. */
  names: string[];
  targets: Trie[];
  star: Trie | undefined;
  /** Lowest and highest rule index anywhere below this field (Infinity/-1 when none). */
  minBelow: number;
  maxBelow: number;
}

export type Redactor = (value: unknown) => unknown;

export function compileRedaction(rules: ReadonlyArray<{ path: readonly string[]; op: LeafOp }>): Redactor {
  const root = emptyTrie();
  rules.forEach((rule, index) => {
    let node = root;
    for (const step of rule.path) {
      let child = node.children.get(step);
      if (!child) node.children.set(step, (child = emptyTrie()));
      node = child;
    }
    if (rule.op.kind === 'drop' && rule.path[rule.path.length - 1] === '*') {
      throw new Error('a path ending in [*] cannot be dropped: drop the list itself');
    }
    node.ops.push(rule.op.kind === 'drop' ? { rule: index } : { rule: index, replace: rule.op.replace });
  });
  finish(root);
  return (value) => walkChildren(value, root, 0, rules.length);
}

function emptyTrie(): Trie {
  return { ops: [], children: new Map(), byName: new Map(), names: [], targets: [], star: undefined, minBelow: Infinity, maxBelow: -1 };
}

function finish(node: Trie): void {
  node.star = node.children.get('*');
  for (const [name, child] of node.children) {
    finish(child);
    if (name !== '*') node.byName.set(name, node.star ? merge(child, node.star) : child);
  }
  node.names = [...node.byName.keys()];
  node.targets = [...node.byName.values()];
  for (const child of node.children.values()) {
    for (const op of child.ops) {
      node.minBelow = Math.min(node.minBelow, op.rule);
      node.maxBelow = Math.max(node.maxBelow, op.rule);
    }
    node.minBelow = Math.min(node.minBelow, child.minBelow);
    node.maxBelow = Math.max(node.maxBelow, child.maxBelow);
  }
}

function merge(a: Trie, b: Trie): Trie {
  const out = emptyTrie();
  out.ops = [...a.ops, ...b.ops].sort((x, y) => x.rule - y.rule);
  const names = new Set([...a.children.keys(), ...b.children.keys()]);
  for (const name of names) {
    const x = a.children.get(name);
    const y = b.children.get(name);
    out.children.set(name, x && y ? merge(x, y) : ((x ?? y) as Trie));
  }
  finish(out);
  return out;
}

const DROPPED = Symbol('dropped');

/** Applies the rules with index in [lo, hi) to one field's value; DROPPED when a drop hit it. */
function applyField(value: unknown, node: Trie, lo: number, hi: number): unknown {
  let current = value;
  let from = lo;
  for (const op of node.ops) {
    if (op.rule < lo) continue;
    if (op.rule >= hi) break;
    current = walkChildren(current, node, from, op.rule);
    if (!op.replace) return DROPPED;
    if (current !== null && current !== undefined) current = op.replace(current);
    from = op.rule + 1;
  }
  return walkChildren(current, node, from, hi);
}

/** Applies the rules below `node` with index in [lo, hi) inside `value`. */
function walkChildren(value: unknown, node: Trie, lo: number, hi: number): unknown {
  if (value === null || value === undefined || node.maxBelow < lo || node.minBelow >= hi) return value;
  if (Array.isArray(value)) {
    const star = node.star;
    if (!star) return value;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = applyField(value[i], star, lo, hi);
      if (next !== value[i]) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  if (!isJsonObject(value)) return value;
  if (!node.star) return walkNamed(value, node, lo, hi);
  const out: JsonObject = {};
  let changed = false;
  for (const key of Object.keys(value)) {
    const target = node.byName.get(key) ?? node.star;
    const current = value[key];
    const next = target ? applyField(current, target, lo, hi) : current;
    if (next === DROPPED) {
      changed = true;
      continue;
    }
    if (next !== current) changed = true;
    setOwn(out, key, next);
  }
  return changed ? out : value;
}

/**
 * Without a `*` only the named fields can change: look those up instead of visiting every key,
 * and copy with object spread (V8's fast clone) unless a field is dropped here, in which case
 * the copy is built without it (never `delete`, see above).
 */
function walkNamed(value: JsonObject, node: Trie, lo: number, hi: number): unknown {
  const { names, targets } = node;
  let out: JsonObject | undefined;
  let dropped: string[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const key = names[i] as string;
    if (!Object.hasOwn(value, key)) continue;
    const current = value[key];
    const next = applyField(current, targets[i] as Trie, lo, hi);
    if (next === current) continue;
    if (next === DROPPED) {
      (dropped ??= []).push(key);
      continue;
    }
    out ??= { ...value };
    setOwn(out, key, next);
  }
  if (!dropped) return out ?? value;
  const from = out ?? value;
  const kept: JsonObject = {};
  for (const key of Object.keys(from)) if (!dropped.includes(key)) setOwn(kept, key, from[key]);
  return kept;
}
