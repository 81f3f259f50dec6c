import { safeName, type AvroRecord, type AvroType } from './record-schema';

/**
 * Named types (records, enums, fixed) are defined once in an Avro schema and referred to by name
 * afterwards, so one definition can describe several places of a record (`billing` and
 * `shipping` both of type `Address`). A derivation that changes one place (redact
 * `billing.street`, remove `customer.email`) must not silently change the others, or the derived
 * schema would describe records the runtime never makes, and the governance proof would miss a
 * field. Derivations therefore work on an expanded tree, where each place owns a copy of its
 * type, and normalize the result: identical copies become references again and a copy that was
 * changed gets a name of its own. An unchanged schema comes back exactly as it was.
 */

/** Property marking an expanded copy with the reference text it replaced. Never left in a normalized schema. */
const REF = 'sluice:ref';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED_KINDS = new Set(['record', 'error', 'enum', 'fixed']);

type Obj = Record<string, unknown> & { type?: unknown; name?: unknown; namespace?: unknown; fields?: unknown; items?: unknown; values?: unknown };

function isObj(t: unknown): t is Obj {
  return typeof t === 'object' && t !== null && !Array.isArray(t);
}

function isNamed(t: unknown): t is Obj & { name: string } {
  return isObj(t) && typeof t.type === 'string' && NAMED_KINDS.has(t.type) && typeof t.name === 'string';
}

/** The full name of a named type given the namespace around it. */
function fullName(t: Obj & { name: string }, ns: string | undefined): string {
  if (t.name.includes('.')) return t.name;
  const own = typeof t.namespace === 'string' && t.namespace !== '' ? t.namespace : ns;
  return own ? `${own}.${t.name}` : t.name;
}

function namespaceOf(full: string): string | undefined {
  const i = full.lastIndexOf('.');
  return i < 0 ? undefined : full.slice(0, i);
}

function shortName(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}

/** Every named type a schema defines, by full name, in document order. */
export function namedTypes(schema: AvroType): Map<string, Obj & { name: string }> {
  const defs = new Map<string, Obj & { name: string }>();
  const walk = (t: unknown, ns: string | undefined): void => {
    if (Array.isArray(t)) return t.forEach((b) => walk(b, ns));
    if (!isObj(t)) return;
    if (isNamed(t)) {
      const full = fullName(t, ns);
      if (!defs.has(full)) defs.set(full, t);
      if (Array.isArray(t.fields)) for (const f of t.fields as Array<{ type: unknown }>) walk(f.type, namespaceOf(full));
      return;
    }
    if (t.type === 'array') walk(t.items, ns);
    else if (t.type === 'map') walk(t.values, ns);
    else if (isObj(t.type) || Array.isArray(t.type)) walk(t.type, ns);
  };
  walk(schema, undefined);
  return defs;
}

/** The definition a reference names: by full name in the namespace around it, else by full or unique short name. */
function resolve(defs: Map<string, Obj & { name: string }>, ref: string, ns: string | undefined): [string, Obj & { name: string }] | undefined {
  const tries = ref.includes('.') ? [ref] : [ns ? `${ns}.${ref}` : ref, ref];
  for (const t of tries) {
    const d = defs.get(t);
    if (d) return [t, d];
  }
  const matches = [...defs.entries()].filter(([full]) => shortName(full) === ref);
  return matches.length === 1 ? matches[0] : undefined;
}

/** The type a reference string stands for, as a fresh expanded copy; undefined for primitives and unknown names. */
export function expandReference(schema: AvroRecord, ref: string): AvroType | undefined {
  if (PRIMITIVES.has(ref)) return undefined;
  const defs = namedTypes(schema);
  const found = resolve(defs, ref, undefined);
  if (!found) return undefined;
  return new Expander(defs).named(found[1], namespaceOf(found[0]), new Set([found[0]]), ref);
}

class Expander {
  constructor(private readonly defs: Map<string, Obj & { name: string }>) {}

  type(t: unknown, ns: string | undefined, stack: Set<string>): AvroType {
    if (typeof t === 'string') {
      if (PRIMITIVES.has(t)) return t as AvroType;
      const found = resolve(this.defs, t, ns);
      // A recursive reference stays a reference: expanding it would never end.
      if (!found || stack.has(found[0])) return t as AvroType;
      return this.named(found[1], namespaceOf(found[0]), stack, t, ns);
    }
    if (Array.isArray(t)) return t.map((b) => this.type(b, ns, stack));
    if (!isObj(t)) return t as AvroType;
    if (isNamed(t)) return this.named(t, ns, stack);
    if (t.type === 'array') return { ...t, items: this.type(t.items, ns, stack) } as AvroType;
    if (t.type === 'map') return { ...t, values: this.type(t.values, ns, stack) } as AvroType;
    if (isObj(t.type) || Array.isArray(t.type)) return { ...t, type: this.type(t.type, ns, stack) } as AvroType;
    return { ...t } as AvroType;
  }

  /**
   * A copy of a named type. `ns` is the namespace its definition sits in; a copy made for a
   * place that held the reference `ref` remembers it, and states its namespace when the place
   * is in another one (`placeNs`), so the copy names the same type wherever it sits.
   */
  named(t: Obj & { name: string }, ns: string | undefined, stack: Set<string>, ref?: string, placeNs?: string): AvroType {
    const full = fullName(t, ns);
    const out: Obj = { ...t };
    if (Array.isArray(t.fields)) {
      stack.add(full);
      out.fields = (t.fields as Array<{ type: unknown }>).map((f) => ({ ...f, type: this.type(f.type, namespaceOf(full), stack) }));
      stack.delete(full);
    }
    if (ref !== undefined) {
      out[REF] = ref;
      if (!t.name.includes('.') && t.namespace === undefined && namespaceOf(full) !== placeNs) out.namespace = namespaceOf(full) ?? '';
    }
    return out as AvroType;
  }
}

/**
 * A copy of the schema in which every place owns its named types: references are replaced by
 * copies of their definitions (recursive references stay references). Derivations can then
 * change one place without changing another. Turn the result back into a valid schema with
 * `normalizeSchema`.
 */
export function expandSchema(schema: AvroRecord): AvroRecord {
  return new Expander(namedTypes(schema)).type(schema, undefined, new Set()) as AvroRecord;
}

/**
 * A valid Avro schema again from an expanded (and possibly changed) tree: the first place of
 * each named type defines it and identical later places refer to it. When places of one name
 * now differ, the variant equal to the `original` definition keeps the name (a recursive
 * reference always means the original, so it keeps it too), and each other variant gets a fresh
 * name (`Address2`). An unchanged tree comes back as the original schema.
 */
export function normalizeSchema(tree: AvroRecord, original?: AvroRecord): AvroRecord {
  const origDefs = original ? namedTypes(original) : new Map<string, Obj & { name: string }>();
  const origExpander = new Expander(origDefs);
  const originals = new Map<string, string>();
  for (const [full, def] of origDefs) originals.set(full, keyOf(origExpander.named(def, namespaceOf(full), new Set([full]))));

  // Pass 1: the variants of each name in document order, and the names recursive references need.
  const variants = new Map<string, string[]>();
  const recursive = new Set<string>();
  const scan = (t: unknown, ns: string | undefined, open: string[]): void => {
    if (typeof t === 'string') {
      if (PRIMITIVES.has(t)) return;
      const target = t.includes('.') ? t : ns ? `${ns}.${t}` : t;
      const hit = open.find((full) => full === target || full === t);
      if (hit) recursive.add(hit);
      return;
    }
    if (Array.isArray(t)) return t.forEach((b) => scan(b, ns, open));
    if (!isObj(t)) return;
    if (isNamed(t)) {
      const full = fullName(t, ns);
      const list = variants.get(full) ?? [];
      const key = keyOf(t);
      if (!list.includes(key)) list.push(key);
      variants.set(full, list);
      if (Array.isArray(t.fields)) for (const f of t.fields as Array<{ type: unknown }>) scan(f.type, namespaceOf(full), [...open, full]);
      return;
    }
    if (t.type === 'array') scan(t.items, ns, open);
    else if (t.type === 'map') scan(t.values, ns, open);
    else if (isObj(t.type) || Array.isArray(t.type)) scan(t.type, ns, open);
  };
  scan(tree, undefined, []);

  const taken = new Set<string>();
  for (const full of [...variants.keys(), ...origDefs.keys()]) taken.add(shortName(full));
  const nameOf = new Map<string, string>();
  for (const [full, keys] of variants) {
    const orig = originals.get(full);
    const keeper = orig !== undefined && (keys.includes(orig) || recursive.has(full)) ? orig : keys[0];
    for (const key of keys) nameOf.set(`${full}\u0000${key}`, key === keeper ? shortName(full) : fresh(taken, shortName(full)));
  }

  // Pass 2: emit, defining each name at its first place.
  const defined = new Set<string>();
  const emit = (t: unknown, ns: string | undefined): unknown => {
    if (typeof t === 'string') {
      if (PRIMITIVES.has(t)) return t;
      // A reference to an original definition whose first place now holds a renamed variant:
      // the original is defined here.
      const orig = resolve(origDefs, t, ns);
      if (orig && !defined.has(orig[0])) return emit(origExpander.named(orig[1], namespaceOf(orig[0]), new Set([orig[0]]), t, ns), ns);
      return t;
    }
    if (Array.isArray(t)) return t.map((b) => emit(b, ns));
    if (!isObj(t)) return t;
    if (isNamed(t)) {
      const full = fullName(t, ns);
      const name = nameOf.get(`${full}\u0000${keyOf(t)}`) ?? shortName(full);
      const renamed = name !== shortName(full);
      const target = renamed ? (namespaceOf(full) ? `${namespaceOf(full)}.${name}` : name) : full;
      const ref = t[REF];
      if (defined.has(target)) return !renamed && typeof ref === 'string' ? ref : target;
      defined.add(target);
      const { [REF]: _ref, ...out } = t as Obj;
      if (renamed) out.name = t.name.includes('.') ? target : name;
      if (Array.isArray(t.fields)) out.fields = (t.fields as Array<{ type: unknown }>).map((f) => ({ ...f, type: emit(f.type, namespaceOf(target)) }));
      return out;
    }
    if (t.type === 'array') return { ...t, items: emit(t.items, ns) };
    if (t.type === 'map') return { ...t, values: emit(t.values, ns) };
    if (isObj(t.type) || Array.isArray(t.type)) return { ...t, type: emit(t.type, ns) };
    return t;
  };
  return emit(tree, undefined) as AvroRecord;
}

function fresh(taken: Set<string>, base: string): string {
  const clean = safeName(base);
  let name = `${clean}2`;
  for (let i = 3; taken.has(name); i++) name = `${clean}${i}`;
  taken.add(name);
  return name;
}

/** What makes two places of one named type the same type: everything but reference markers and namespaces. */
function keyOf(t: unknown): string {
  return JSON.stringify(t, (k, v) => (k === REF || (k === 'namespace' && typeof v === 'string') ? undefined : v));
}
