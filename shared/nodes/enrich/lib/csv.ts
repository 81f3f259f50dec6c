/**
 * RFC 4180 CSV, written here rather than taken from csv-parse: csv-parse's `sync` entry for
 * `import` (lib/sync.js) uses Node's global `Buffer` at module load (lib/api/index.js builds its
 * BOM table with `Buffer.from`), so importing it from shared/ would break the designer bundle
 * that lists every node type in the browser.
 *
 * Accepted: comma separators, CRLF or LF line ends, double-quoted fields holding commas, line
 * breaks and doubled quotes (`""`), a leading byte-order mark, blank lines (skipped). Refused
 * with the line number: a quote inside an unquoted field, text after a closing quote, and a
 * quoted field that never closes.
 */
export interface CsvRow {
  /** 1-based line on which the row starts, for error messages. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let closedQuote = false;
  let quotedStart = 0;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endRow = () => {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !closedQuote;
    if (!blank) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    closedQuote = false;
  };

  while (i < text.length) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        closedQuote = true;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      closedQuote = false;
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      endRow();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
      continue;
    }
    if (closedQuote) throw new CsvError('text after a closing quote; quote the whole field', line);
    if (c === '"') {
      if (field !== '') throw new CsvError('a quote inside an unquoted field; quote the whole field and double the quote ("")', line);
      inQuotes = true;
      quotedStart = line;
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (inQuotes) throw new CsvError('a quoted field starting here is never closed', quotedStart);
  if (field !== '' || fields.length > 0 || closedQuote) endRow();
  return rows;
}
