import { CURRENT_FORMAT, FlowDocument } from './document';

/**
 * Format migrations of the flow envelope: `MIGRATIONS[n]` turns a format-n document into
 * format n+1. Format 1 is the first, so the table is empty; the hook exists so that a later
 * format change is one entry here plus a test, and old files keep loading.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

export class FlowFormatError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'FlowFormatError';
  }
}

/** Brings a parsed JSON value up to the current format; refuses newer or unknown formats. */
export function migrateFlow(raw: unknown): { doc: Record<string, unknown>; fromFormat: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FlowFormatError('a flow document must be a JSON object', '');
  }
  let doc = raw as Record<string, unknown>;
  const fromFormat = doc.format;
  if (typeof fromFormat !== 'number' || !Number.isInteger(fromFormat) || fromFormat < 1) {
    throw new FlowFormatError('"format" must be a positive integer (this Sluice writes format 1)', '/format');
  }
  if (fromFormat > CURRENT_FORMAT) {
    throw new FlowFormatError(
      `flow format ${fromFormat} is newer than this Sluice understands (format ${CURRENT_FORMAT}); upgrade Sluice`,
      '/format',
    );
  }
  for (let f = fromFormat; f < CURRENT_FORMAT; f++) {
    const step = MIGRATIONS[f];
    if (!step) throw new FlowFormatError(`no migration from flow format ${f}`, '/format');
    doc = { ...step(doc), format: f + 1 };
  }
  return { doc, fromFormat };
}

/** Parses flow JSON text: migrated, then checked against the envelope schema (not node configs). */
export function parseFlowText(text: string): FlowDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FlowFormatError(`not valid JSON: ${(err as Error).message}`, '');
  }
  const { doc } = migrateFlow(raw);
  return FlowDocument.parse(doc);
}
