import avsc from 'avsc';

// Why a reader schema cannot read a writer schema, in words people act on. avsc decides
// (createResolver throws or not); its messages ("cannot read "long" as "int"") name neither
// the field nor the rule, so this walks both schemas the way Avro resolution does and says
// which field changed how. Pure module (avsc only).

/**
 * Which way the check runs. `backward`: the new schema reads records written with an existing
 * one (reader = new). `forward`: an existing schema reads records written with the new one
 * (reader = existing).
 */
export type Direction = 'backward' | 'forward';

/** True when avsc can resolve records written with `writer` into `reader`. */
export function canRead(reader: avsc.Type, writer: avsc.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

/**
 * The reasons `reader` cannot read `writer`, one per incompatible spot, phrased as changes from
 * the existing schema to the new one ("field total changed type from double to string ...").
 * Empty when the walk finds nothing avsc would refuse (the caller then falls back on avsc's message).
 */
export function explainIncompatibility(reader: avsc.Type, writer: avsc.Type, direction: Direction): string[] {
  return walk(reader, writer, '', direction, new Set());
}

const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['int', 'long', 'float', 'double'],
  long: ['long', 'float', 'double'],
  float: ['float', 'double'],
  string: ['string', 'bytes'],
  bytes: ['bytes', 'string'],
};

const isUnion = (t: avsc.Type) => t.typeName.startsWith('union');
const isRecord = (t: avsc.Type) => t.typeName === 'record' || t.typeName === 'error';
const isNamed = (t: avsc.Type) => isRecord(t) || t.typeName === 'enum' || t.typeName === 'fixed';
const branches = (t: avsc.Type) => (t as avsc.types.UnwrappedUnionType).types;
const fieldsOf = (t: avsc.Type) => (t as avsc.types.RecordType).fields;

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function where(path: string): string {
  return path ? `field ${path}` : 'the schema';
}

/** A type as people read it: `string`, `record com.acme.Order`, `array of long`, `[null, string]`. */
export function describeType(t: avsc.Type): string {
  if (isUnion(t)) return `[${branches(t).map(describeType).join(', ')}]`;
  if (isNamed(t)) return `${t.typeName === 'error' ? 'record' : t.typeName} ${t.name ?? ''}`.trim();
  if (t.typeName === 'array') return `array of ${describeType((t as avsc.types.ArrayType).itemsType)}`;
  if (t.typeName === 'map') return `map of ${describeType((t as avsc.types.MapType).valuesType as avsc.Type)}`;
  if (t.typeName.startsWith('logical:')) return describeType((t as avsc.types.LogicalType).underlyingType);
  return t.typeName;
}

/** Names avsc accepts as the same named type: the reader's full name or one of its aliases. */
function namesMatch(reader: avsc.Type, writer: avsc.Type): boolean {
  if (!writer.name) return true;
  return reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

function readDetail(writer: avsc.Type, reader: avsc.Type): string {
  const targets = PROMOTIONS[writer.typeName];
  if (targets && !isUnion(reader) && !isNamed(reader)) return `Avro can read ${writer.typeName} only as ${listWords(targets)}`;
  return `Avro cannot read ${describeType(writer)} as ${describeType(reader)}`;
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** old/new in the order of the change, whichever of reader/writer they are in this direction. */
function change<T>(reader: T, writer: T, direction: Direction): { from: T; to: T } {
  return direction === 'backward' ? { from: writer, to: reader } : { from: reader, to: writer };
}

function typeChanged(path: string, reader: avsc.Type, writer: avsc.Type, direction: Direction, detail: string): string {
  const { from, to } = change(reader, writer, direction);
  return `${where(path)} changed type from ${describeType(from)} to ${describeType(to)} (${detail})`;
}

/** The reader branch a writer type would resolve into by kind and name, if any. */
function matchingBranch(reader: avsc.Type, writer: avsc.Type): avsc.Type | undefined {
  return branches(reader).find((b) => b.typeName === writer.typeName && (!isNamed(b) || namesMatch(b, writer)));
}

function walk(reader: avsc.Type, writer: avsc.Type, path: string, direction: Direction, seen: Set<string>): string[] {
  if (canRead(reader, writer)) return [];

  if (isUnion(writer)) {
    // Every branch the writer may have used must be readable.
    const out: string[] = [];
    for (const branch of branches(writer)) {
      if (canRead(reader, branch)) continue;
      const target = isUnion(reader) ? matchingBranch(reader, branch) : reader.typeName === branch.typeName ? reader : undefined;
      if (target && (isNamed(branch) || branch.typeName === 'array' || branch.typeName === 'map')) {
        out.push(...walk(target, branch, path, direction, seen));
      } else {
        out.push(typeChanged(path, reader, writer, direction, readDetail(branch, reader)));
      }
    }
    return out;
  }

  if (isUnion(reader)) {
    const target = matchingBranch(reader, writer);
    if (target && (isNamed(writer) || writer.typeName === 'array' || writer.typeName === 'map')) return walk(target, writer, path, direction, seen);
    return [typeChanged(path, reader, writer, direction, readDetail(writer, reader))];
  }

  const sameNamedKind = (isRecord(reader) && isRecord(writer)) || (isNamed(reader) && reader.typeName === writer.typeName);
  if (sameNamedKind) {
    const at = path ? ` (field ${path})` : '';
    const kind = isRecord(reader) ? 'record' : reader.typeName;
    if (!namesMatch(reader, writer)) {
      const { from, to } = change(reader.name, writer.name, direction);
      return direction === 'backward'
        ? [`${kind} ${from}${at} was renamed to ${to} without an alias for the old name`]
        : [`${kind} ${from}${at} was renamed to ${to}, a name readers of the old schema do not know`];
    }
    if (isRecord(reader)) return walkRecord(reader, writer, path, direction, seen);
    if (reader.typeName === 'enum') {
      const readerSymbols = new Set((reader as avsc.types.EnumType).symbols);
      const missing = (writer as avsc.types.EnumType).symbols.filter((s) => !readerSymbols.has(s));
      const symbols = `${missing.length === 1 ? 'symbol' : 'symbols'} ${listWords(missing)}`;
      return direction === 'backward'
        ? [`enum ${reader.name}${at} lost ${symbols} and has no default symbol`]
        : [`enum ${reader.name}${at} gained ${symbols}, which readers of the old schema do not know (their enum has no default symbol)`];
    }
    const { from, to } = change((reader as avsc.types.FixedType).size, (writer as avsc.types.FixedType).size, direction);
    return [`fixed ${reader.name}${at} changed size from ${from} to ${to}`];
  }

  if (reader.typeName === 'array' && writer.typeName === 'array') {
    const r = (reader as avsc.types.ArrayType).itemsType;
    const w = (writer as avsc.types.ArrayType).itemsType;
    if (isRecord(r) && isRecord(w)) return walk(r, w, `${path}[]`, direction, seen);
    return [typeChanged(path, reader, writer, direction, readDetail(w, r))];
  }
  if (reader.typeName === 'map' && writer.typeName === 'map') {
    const r = (reader as avsc.types.MapType).valuesType as avsc.Type;
    const w = (writer as avsc.types.MapType).valuesType as avsc.Type;
    if (isRecord(r) && isRecord(w)) return walk(r, w, `${path}{}`, direction, seen);
    return [typeChanged(path, reader, writer, direction, readDetail(w, r))];
  }
  return [typeChanged(path, reader, writer, direction, readDetail(writer, reader))];
}

function walkRecord(reader: avsc.Type, writer: avsc.Type, path: string, direction: Direction, seen: Set<string>): string[] {
  // Recursive schemas (a tree node holding nodes) would walk forever without this.
  const key = `${reader.name}:${writer.name}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const out: string[] = [];
  const writerFields = fieldsOf(writer);
  for (const field of fieldsOf(reader)) {
    const names = [field.name, ...(field.aliases ?? [])];
    const source = writerFields.find((w) => names.includes(w.name));
    const fieldPath = join(path, field.name);
    if (!source) {
      if (field.defaultValue() === undefined) {
        // A rename with an alias helps readers of the new schema only: old readers still look for the old name.
        const renamed = direction === 'forward' ? writerFields.find((w) => (w.aliases ?? []).includes(field.name)) : undefined;
        if (renamed) out.push(`field ${fieldPath} was renamed to ${join(path, renamed.name)}, and the old name has no default (an alias helps only readers of the new schema)`);
        else out.push(direction === 'backward' ? `field ${fieldPath} was added without a default` : `field ${fieldPath} was removed and has no default`);
      }
      continue;
    }
    if (!canRead(field.type, source.type)) out.push(...walk(field.type, source.type, fieldPath, direction, seen));
  }
  return out;
}
