import { describe, expect, it } from 'vitest';
import { canRunMonaco, loadMonaco } from '../../../../designer/src/monaco/load';
import { bindCelModel, celModelContext } from '../../../../designer/src/monaco/cel-models';
import { CEL_MACROS, celMonarch } from '../../../../designer/src/monaco/cel-language';

describe('Monaco loading', () => {
  it('never loads in jsdom, so the text areas are the editors', async () => {
    expect(canRunMonaco()).toBe(false);
    await expect(loadMonaco()).resolves.toBeUndefined();
  });
});

describe('CEL model contexts', () => {
  it('maps a model to its node until the editor goes away', () => {
    const unbind = bindCelModel('inmemory://sluice/1/x.cel', { nodeId: 'big-orders', fields: () => [] });
    expect(celModelContext('inmemory://sluice/1/x.cel')?.nodeId).toBe('big-orders');
    unbind();
    expect(celModelContext('inmemory://sluice/1/x.cel')).toBeUndefined();
  });
});

describe('CEL highlighting rules', () => {
  const rules = (celMonarch.tokenizer.root as unknown[]).filter((r): r is [RegExp, unknown] => Array.isArray(r) && r[0] instanceof RegExp);
  const tokenOf = (text: string) => {
    const rule = rules.find(([re]) => new RegExp(`^(?:${re.source})`).exec(text)?.[0] === text);
    return rule?.[1];
  };

  it('reads CEL numbers in all their forms', () => {
    expect(tokenOf('1u')).toBe('number');
    expect(tokenOf('1.0e3')).toBe('number.float');
    expect(tokenOf('0x1F')).toBe('number.hex');
  });

  it('opens raw, bytes and triple-quoted strings', () => {
    expect(tokenOf('r"')).toMatchObject({ next: '@rawDouble' });
    expect(tokenOf('b"')).toMatchObject({ next: '@double' });
    expect(tokenOf('"""')).toMatchObject({ next: '@tripleDouble' });
    expect(tokenOf("r'''")).toMatchObject({ next: '@rawTripleSingle' });
  });

  it('knows the macros', () => {
    expect(CEL_MACROS).toEqual(expect.arrayContaining(['has', 'all', 'exists', 'exists_one', 'map', 'filter']));
    expect(celMonarch.keywords).toEqual(expect.arrayContaining(['true', 'false', 'null', 'in']));
  });
});
