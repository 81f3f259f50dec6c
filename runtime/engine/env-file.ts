/**
 * Parses a `.env` style file: `KEY=VALUE` per line, optional `export ` prefix, blank lines and
 * `#` comments ignored. Values may be wrapped in single quotes (taken literally) or double
 * quotes (`\n`, `\r`, `\t`, `\"` and `\\` unescaped); an unquoted value is trimmed and loses
 * a ` #` comment at its end. A later key wins. Throws an Error naming the line for anything else,
 * because a silently skipped line would surface later as a confusing missing `${env:…}`.
 */
export function parseEnvFile(text: string, fileName = 'env file'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${fileName} line ${index + 1}: expected KEY=VALUE, got "${raw}"`);
    out[m[1] as string] = parseValue(m[2] as string, `${fileName} line ${index + 1}`);
  });
  return out;
}

function parseValue(value: string, where: string): string {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = findClosingQuote(value, quote);
    if (end < 0) throw new Error(`${where}: missing closing ${quote}`);
    const rest = value.slice(end + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) throw new Error(`${where}: unexpected text after the closing quote: ${rest}`);
    const inner = value.slice(1, end);
    return quote === "'" ? inner : inner.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }
  const hash = value.search(/\s#/);
  return (hash >= 0 ? value.slice(0, hash) : value).trim();
}

function findClosingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\' && quote === '"') i++;
    else if (value[i] === quote) return i;
  }
  return -1;
}
