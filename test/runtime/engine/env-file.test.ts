import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../../runtime/engine';

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, skipping blanks and comments', () => {
    const text = ['# brokers', '', 'EU_KAFKA=broker-1:9092,broker-2:9092', '  export ZONE = eu  ', 'EMPTY=', 'URL=http://x/?a=b#frag'].join('\n');
    expect(parseEnvFile(text)).toEqual({ EU_KAFKA: 'broker-1:9092,broker-2:9092', ZONE: 'eu', EMPTY: '', URL: 'http://x/?a=b#frag' });
  });

  it('strips quotes, unescapes double-quoted values and drops trailing comments', () => {
    const text = [`SINGLE='a "b" \\n c'`, 'DOUBLE="line1\\nline2 \\"q\\" \\\\"', 'HASH="has # inside" # comment', 'PLAIN=value # comment', 'CRLF=x\r'].join('\n');
    expect(parseEnvFile(text)).toEqual({
      SINGLE: 'a "b" \\n c',
      DOUBLE: 'line1\nline2 "q" \\',
      HASH: 'has # inside',
      PLAIN: 'value',
      CRLF: 'x',
    });
  });

  it('lets a later key win', () => {
    expect(parseEnvFile('A=1\nA=2')).toEqual({ A: '2' });
  });

  it('names the line of anything it cannot read', () => {
    expect(() => parseEnvFile('A=1\nnot a pair', 'prod.env')).toThrow('prod.env line 2: expected KEY=VALUE, got "not a pair"');
    expect(() => parseEnvFile('B="open')).toThrow('env file line 1: missing closing "');
    expect(() => parseEnvFile("C='x' y")).toThrow('unexpected text after the closing quote');
    expect(() => parseEnvFile('1X=2')).toThrow('line 1');
  });
});
