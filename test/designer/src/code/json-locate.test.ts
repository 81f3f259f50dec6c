import { describe, expect, it } from 'vitest';
import { placeDiagnostics } from '../../../../designer/src/code/diagnostic-markers';
import { locatePointer, scanJson } from '../../../../designer/src/code/json-locate';

describe('scanJson', () => {
  const text = '{\n  "a": {"b/c": [1, "x\\"y", true]},\n  "n": null\n}';

  it('finds every value by JSON pointer', () => {
    const scan = scanJson(text);
    expect(scan.ok).toBe(true);
    if (!scan.ok) return;
    const at = (p: string) => {
      const s = scan.spans.get(p)!;
      return text.slice(s.start, s.end);
    };
    expect(at('/a/b~1c/1')).toBe('"x\\"y"');
    expect(at('/a/b~1c/2')).toBe('true');
    expect(at('/n')).toBe('null');
    const n = scan.spans.get('/n')!;
    expect(text.slice(n.keyStart, n.keyEnd)).toBe('"n"');
    expect(locatePointer(scan.spans, '/a/missing/deeper')?.pointer).toBe('/a');
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const bad of ['{"a":1,}', '[1 2]', '{"a":01}', '"\\q"', '{a:1}', '"line\nbreak"', '', '{} x']) {
      expect(() => JSON.parse(bad), bad).toThrow();
      expect(scanJson(bad).ok, bad).toBe(false);
    }
    for (const good of ['{"a":[-1.5e+3,0,"\\u00e9"]}', ' [ ] ', 'null', '{"":{}}']) {
      expect(() => JSON.parse(good)).not.toThrow();
      expect(scanJson(good).ok, good).toBe(true);
    }
  });
});

describe('placeDiagnostics', () => {
  const text = '{\n  "nodes": {\n    "f": {\n      "config": {\n        "when": "totl > 1"\n      }\n    }\n  }\n}';

  it('puts a node diagnostic on the value its path names', () => {
    const [p] = placeDiagnostics(text, [{ severity: 'error', code: 'x', message: 'unknown field', nodeId: 'f', path: '/config/when' }]);
    expect(p!.marker).toMatchObject({ startLineNumber: 5, startColumn: 17, endLineNumber: 5, endColumn: 27, severity: 'error' });
  });

  it('puts a diagnostic about a missing field on its parent member name', () => {
    const [p] = placeDiagnostics(text, [{ severity: 'warning', code: 'x', message: 'missing', nodeId: 'f', path: '/config/rules' }]);
    expect(p!.marker).toMatchObject({ startLineNumber: 4, startColumn: 7, endColumn: 15, severity: 'warning' });
  });

  it('leaves diagnostics unplaced when the text is not JSON', () => {
    const [p] = placeDiagnostics('{', [{ severity: 'error', code: 'x', message: 'm', path: '/edges/0' }]);
    expect(p!.marker).toBeUndefined();
    expect(p!.pointer).toBe('/edges/0');
  });
});
