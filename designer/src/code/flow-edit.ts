import { FlowDocument } from '../../../shared/flow/document';
import { FlowFormatError, migrateFlow } from '../../../shared/flow/migrate';
import { position } from '../expr/cel-markers';
import { locatePointer, pointerSegment, scanJson, type JsonSpan } from './json-locate';

/** The outcome of reading the code view's text: a document to apply, or why not (with where, when known). */
export type FlowEdit = { doc: FlowDocument } | FlowEditError;

export interface FlowEditError {
  error: string;
  /** `json`: not JSON at all (Monaco underlines those itself); `shape`: not a flow document; `id`: the id was changed. */
  kind: 'json' | 'shape' | 'id';
  line?: number;
  column?: number;
}

/**
 * Reads the code view's text as a flow document: valid JSON, a known format (migrated), and the
 * envelope's shape (node configs are the validator's business, shown as problems, not refused).
 * `expectedId` is the open flow's id: ids are file names, so the code view must not change them.
 */
export function parseFlowEdit(text: string, expectedId?: string): FlowEdit {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const scan = scanJson(text);
    if (!scan.ok) return located('json', `This is not valid JSON: ${scan.message}.`, text, scan.offset);
    return { kind: 'json', error: `This is not valid JSON: ${(err as Error).message}` };
  }
  const scan = scanJson(text);
  const spans = scan.ok ? scan.spans : new Map<string, JsonSpan>();
  const at = (kind: FlowEditError['kind'], message: string, pointer: string, preferKey = false): FlowEdit => {
    const found = locatePointer(spans, pointer);
    if (!found) return { kind, error: message };
    const offset = preferKey && found.pointer === pointer && found.span.keyStart !== undefined ? found.span.keyStart : found.span.start;
    return located(kind, message, text, offset);
  };

  let migrated: Record<string, unknown>;
  try {
    migrated = migrateFlow(raw).doc;
  } catch (err) {
    if (err instanceof FlowFormatError) return at('shape', `${capitalise(err.message)}.`, err.path);
    throw err;
  }
  const parsed = FlowDocument.safeParse(migrated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parent = issue.path.map((s) => `/${pointerSegment(String(s))}`).join('');
    let pointer = parent;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
      pointer += `/${pointerSegment(issue.keys[0]!)}`;
      message = issue.keys.length === 1 ? `"${issue.keys[0]}" is not a known setting here` : `${issue.keys.map((k) => `"${k}"`).join(', ')} are not known settings here`;
    }
    const where = parent ? `${parent}: ` : '';
    return at('shape', `${where}${message}.`.replace(/\.\.$/, '.'), pointer, issue.code === 'unrecognized_keys');
  }
  if (expectedId !== undefined && parsed.data.id !== expectedId) {
    return at(
      'id',
      `The flow id cannot be changed here: it is the file name (${expectedId}.flow.json). Put back "${expectedId}".`,
      '/id',
    );
  }
  return { doc: parsed.data };
}

function located(kind: FlowEditError['kind'], error: string, text: string, offset: number): FlowEditError {
  const { line, column } = position(text, offset);
  return { kind, error, line, column };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
