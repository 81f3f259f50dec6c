/**
 * Where things are in JSON text: the span of every value by JSON pointer (to put the validator's
 * diagnostics on the right line) and the position of the first syntax error (browsers word
 * `JSON.parse` errors differently and not all of them say where). A scanner only: the value
 * itself still comes from `JSON.parse`.
 */

export interface JsonSpan {
  /** 0-based offsets of the value, end exclusive. */
  start: number;
  end: number;
  /** The property name's span when the value is an object member. */
  keyStart?: number;
  keyEnd?: number;
}

export type JsonScan = { ok: true; spans: Map<string, JsonSpan> } | { ok: false; message: string; offset: number };

class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`). */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function scanJson(text: string): JsonScan {
  const spans = new Map<string, JsonSpan>();
  let i = 0;
  const n = text.length;

  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (at: number) => (at >= n ? 'the end of the text' : `"${text[at]}"`);
  const fail = (what: string): never => {
    throw new ScanError(`expected ${what} but found ${describe(i)}`, i);
  };

  const string = (): void => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) throw new ScanError('a line break or control character inside a text; write it as \\n', i);
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new ScanError('"\\u" must be followed by four hex digits', i);
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new ScanError(`"\\${e ?? ''}" is not a JSON escape`, i);
        i += 2;
        continue;
      }
      i++;
    }
    throw new ScanError('a text is not closed with "', n);
  };

  const value = (pointer: string, key?: { start: number; end: number }): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          if (text[i] !== '"') fail('a property name in double quotes');
          const keyStart = i;
          string();
          const name = JSON.parse(text.slice(keyStart, i)) as string;
          const keyEnd = i;
          ws();
          if (text[i] !== ':') fail('":"');
          i++;
          value(`${pointer}/${pointerSegment(name)}`, { start: keyStart, end: keyEnd });
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          fail('"," or "}"');
        }
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        for (let index = 0; ; index++) {
          value(`${pointer}/${index}`);
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          fail('"," or "]"');
        }
      }
    } else if (c === '"') {
      string();
    } else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail('a value');
      i += m![0].length;
    }
    spans.set(pointer, { start, end: i, ...(key ? { keyStart: key.start, keyEnd: key.end } : {}) });
  };

  try {
    value('');
    ws();
    if (i < n) fail('the end of the text');
    return { ok: true, spans };
  } catch (err) {
    if (err instanceof ScanError) return { ok: false, message: err.message, offset: err.offset };
    throw err;
  }
}

/** The span of `pointer`, or of its nearest ancestor present in the text (a missing field is reported on its parent). */
export function locatePointer(spans: ReadonlyMap<string, JsonSpan>, pointer: string): { span: JsonSpan; pointer: string } | undefined {
  let p = pointer;
  for (;;) {
    const span = spans.get(p);
    if (span) return { span, pointer: p };
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
