import { describe, expect, it } from 'vitest';
import { SLUG_PATTERN, slugify } from '../../../shared/flow';

describe('slugify', () => {
  it('turns a label into a readable slug', () => {
    expect(slugify('Big orders (EU)')).toBe('big-orders-eu');
    expect(slugify('  Orders -> US  ')).toBe('orders-us');
  });

  it('drops accents instead of the letters', () => {
    expect(slugify('Café Zürich')).toBe('cafe-zurich');
  });

  it('makes ids start with a letter', () => {
    expect(slugify('2024 orders')).toBe('n-2024-orders');
  });

  it('numbers a slug that is already taken', () => {
    expect(slugify('Big orders', ['big-orders'])).toBe('big-orders-2');
    expect(slugify('Big orders', ['big-orders', 'big-orders-2'])).toBe('big-orders-3');
  });

  it('always returns a valid id, however odd the label', () => {
    const labels = ['', '!!!', '---', '日本語', 'a'.repeat(200), `${'x'.repeat(80)} 9`, 'Ünïcödé', '_private'];
    for (const label of labels) {
      const id = slugify(label, [slugify(label)]);
      expect(id, `slugify(${JSON.stringify(label)})`).toMatch(SLUG_PATTERN);
    }
  });
});
