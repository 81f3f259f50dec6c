import { isJsonObject, type JsonObject } from '../../../node-kit/message';
import { setOwn } from '../../../node-kit/paths';
import type { FileAccess, Logger } from '../../../node-kit/runtime';
import type { AvroField, AvroRecord } from '../../../schema/record-schema';
import referenceTable, { tableFormat, type ColumnType, type ReferenceTableConfig } from '../../resources/reference-table.resource';
import { CsvError, parseCsv } from './csv';
import { deepFreeze } from './fields';

/** A loaded table: rows by the text form of their key. Rows are frozen because every hit shares them. */
export interface LoadedTable {
  rows: Map<string, Readonly<JsonObject>>;
  /** Rows left out because their key was empty. */
  skipped: number;
  /** Keys seen more than once (the first row is kept). */
  duplicates: string[];
}

/**
 * The text a key is compared as, on both sides of a lookup: text as is, numbers and booleans
 * written out (`42`, `1.5`, `true`). Undefined for null/absent, which never match anything.
 */
export function keyText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new Error(`a key must be text, a number or true/false, not ${Array.isArray(value) ? 'a list' : 'a record'}`);
}

/** Parses and lints a resource config as the node receives it; throws naming the resource. */
export function tableConfig(id: string, raw: unknown): ReferenceTableConfig {
  const parsed = referenceTable.config.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`reference table "${id}": ${first ? `/${first.path.join('/')}: ${first.message}` : 'invalid config'}`);
  }
  const errors = (referenceTable.lint?.(parsed.data) ?? []).filter((i) => i.severity !== 'warning');
  if (errors.length) throw new Error(`reference table "${id}": ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return parsed.data;
}

export async function loadTable(id: string, config: ReferenceTableConfig, files: FileAccess, log?: Logger): Promise<LoadedTable> {
  let text: string;
  try {
    text = await files.readText(config.path);
  } catch (err) {
    throw new Error(`reference table "${id}": cannot read ${config.path}: ${(err as Error).message}`);
  }
  let table: LoadedTable;
  try {
    table = buildTable(text, config);
  } catch (err) {
    throw new Error(`reference table "${id}" (${config.path}): ${(err as Error).message}`);
  }
  if (table.duplicates.length) {
    log?.warn(`reference table "${id}" has repeated keys; the first row of each is used`, {
      table: id,
      repeated: table.duplicates.length,
      examples: table.duplicates.slice(0, 5),
    });
  }
  if (table.skipped) log?.warn(`reference table "${id}" has rows without a key; they are ignored`, { table: id, rows: table.skipped });
  return table;
}

/** Builds the key index from file text. Throws with the line (CSV) or index (JSON) of the first bad row. */
export function buildTable(text: string, config: ReferenceTableConfig): LoadedTable {
  const format = tableFormat(config);
  if (!format) throw new Error(`cannot tell the format of "${config.path}"; set format to csv or json`);
  const table: LoadedTable = { rows: new Map(), skipped: 0, duplicates: [] };
  const add = (row: JsonObject) => {
    const k = keyText(row[config.key]);
    if (k === undefined) {
      table.skipped++;
      return;
    }
    if (table.rows.has(k)) table.duplicates.push(k);
    else table.rows.set(k, deepFreeze(row));
  };
  if (format === 'csv') for (const row of csvRows(text, config)) add(row);
  else for (const row of jsonRows(text, config)) add(row);
  return table;
}

function csvRows(text: string, config: ReferenceTableConfig): JsonObject[] {
  let parsed;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new Error(`not valid CSV: ${err.message}`);
    throw err;
  }
  const [header, ...body] = parsed;
  if (!header) throw new Error('the file is empty; the first line must name the columns');
  const names = header.fields.map((n) => n.trim());
  names.forEach((n, i) => {
    if (n === '') throw new Error(`column ${i + 1} of the header has no name`);
    if (names.indexOf(n) !== i) throw new Error(`column "${n}" appears twice in the header`);
  });
  const wanted = config.columns ? [config.key, ...Object.keys(config.columns).filter((c) => c !== config.key)] : names;
  for (const c of wanted) if (!names.includes(c)) throw new Error(`the header has no column "${c}" (it has ${names.join(', ')})`);
  const index = new Map(names.map((n, i) => [n, i]));
  return body.map((row) => {
    if (row.fields.length !== names.length) {
      throw new Error(`line ${row.line} has ${row.fields.length} values but the header names ${names.length} columns`);
    }
    const out: JsonObject = {};
    for (const c of wanted) {
      const cell = row.fields[index.get(c) as number] as string;
      setOwn(out, c, config.columns ? typed(cell, columnType(config, c), `line ${row.line}, column "${c}"`) : cell);
    }
    return out;
  });
}

function jsonRows(text: string, config: ReferenceTableConfig): JsonObject[] {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new Error(`not valid JSON: ${(err as Error).message}`);
  }
  const rows: Array<{ where: string; row: JsonObject }> = [];
  if (Array.isArray(data)) {
    data.forEach((row, i) => {
      if (!isJsonObject(row)) throw new Error(`element ${i} of the list is not an object`);
      rows.push({ where: `element ${i}`, row });
    });
  } else if (isJsonObject(data)) {
    for (const [name, value] of Object.entries(data)) {
      if (!isJsonObject(value)) throw new Error(`property "${name}" is not an object`);
      const row: JsonObject = {};
      setOwn(row, config.key, name);
      for (const [k, v] of Object.entries(value)) if (k !== config.key) setOwn(row, k, v);
      rows.push({ where: `property "${name}"`, row });
    }
  } else {
    throw new Error('a JSON table must be a list of objects or an object keyed by the key');
  }
  if (!config.columns) return rows.map((r) => r.row);
  const wanted = [config.key, ...Object.keys(config.columns).filter((c) => c !== config.key)];
  return rows.map(({ where, row }) => {
    const out: JsonObject = {};
    for (const c of wanted) setOwn(out, c, typed(row[c], columnType(config, c), `${where}, column "${c}"`));
    return out;
  });
}

function columnType(config: ReferenceTableConfig, column: string): ColumnType {
  return config.columns?.[column] ?? 'string';
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A file value converted to its declared column type; empty cells and missing values are null. */
function typed(raw: unknown, type: ColumnType, where: string): unknown {
  if (raw === null || raw === undefined) return null;
  const bad = () => new Error(`${where}: ${JSON.stringify(raw)} is not a ${type === 'long' ? 'whole number' : type === 'double' ? 'number' : type === 'boolean' ? 'true/false' : 'text'}`);
  if (type === 'string') {
    if (typeof raw === 'string') return raw;
    if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    throw bad();
  }
  if (typeof raw === 'string') {
    const t = raw.trim();
    if (t === '') return null;
    if (type === 'boolean') {
      if (/^true$/i.test(t)) return true;
      if (/^false$/i.test(t)) return false;
      throw bad();
    }
    if (type === 'long') {
      if (!INTEGER.test(t)) throw bad();
      const n = Number(t);
      if (!Number.isSafeInteger(n)) throw new Error(`${where}: ${t} is too large to be read exactly`);
      return n;
    }
    if (!DECIMAL.test(t)) throw bad();
    return Number(t);
  }
  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    throw bad();
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw bad();
  if (type === 'long' && !Number.isSafeInteger(raw)) throw bad();
  return raw;
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The record schema of a matched row, from the declared columns: the key column as declared
 * (never null, rows without a key are left out), every other column nullable. Undefined without
 * columns, or when a column name cannot be an Avro field name.
 */
export function tableRowSchema(config: ReferenceTableConfig, name: string): AvroRecord | undefined {
  if (!config.columns) return undefined;
  const columns = [config.key, ...Object.keys(config.columns).filter((c) => c !== config.key)];
  if (!columns.every((c) => AVRO_NAME.test(c))) return undefined;
  const fields: AvroField[] = columns.map((c) =>
    c === config.key ? { name: c, type: columnType(config, c) } : { name: c, type: ['null', columnType(config, c)], default: null },
  );
  return { type: 'record', name, fields };
}
