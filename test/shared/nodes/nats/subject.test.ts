import { describe, expect, it } from 'vitest';
import {
  fillSubject,
  hasPlaceholders,
  nameProblem,
  parseSubjectTemplate,
  subjectPattern,
  subjectProblem,
  subjectTemplateProblem,
} from '../../../../shared/nodes/nats/lib/subject';

describe('NATS subjects', () => {
  it('accepts subjects and, where allowed, whole-token wildcards', () => {
    for (const s of ['orders', 'orders.created', 'orders.*.eu', 'orders.>', '*', '>', 'a-b_c.D9']) {
      expect(subjectProblem(s, { wildcards: true }), s).toBeUndefined();
    }
    expect(subjectProblem('orders.created', { wildcards: false })).toBeUndefined();
  });

  it('names what is wrong with a subject', () => {
    expect(subjectProblem('', { wildcards: true })).toMatch(/give a subject/);
    expect(subjectProblem('a b', { wildcards: true })).toMatch(/spaces/);
    expect(subjectProblem('a.', { wildcards: true })).toMatch(/empty token/);
    expect(subjectProblem('.a', { wildcards: true })).toMatch(/empty token/);
    expect(subjectProblem('a.>.b', { wildcards: true })).toMatch(/last token/);
    expect(subjectProblem('a.b*', { wildcards: true })).toMatch(/whole tokens/);
    expect(subjectProblem('a.*', { wildcards: false })).toMatch(/published to one subject/);
  });

  it('checks stream and durable names', () => {
    expect(nameProblem('ORDERS_v2-eu', 'stream')).toBeUndefined();
    expect(nameProblem('orders.eu', 'stream')).toMatch(/not a valid stream name/);
    expect(nameProblem('a b', 'durable consumer')).toMatch(/not a valid durable consumer name/);
    expect(nameProblem('', 'stream')).toMatch(/not a valid/);
  });

  it('parses templates into text and field parts', () => {
    const parts = parseSubjectTemplate('orders.{region}.{customer.tier}');
    expect(parts).toEqual([{ text: 'orders.' }, { field: 'region', steps: ['region'] }, { text: '.' }, { field: 'customer.tier', steps: ['customer', 'tier'] }]);
    expect(hasPlaceholders(parts)).toBe(true);
    expect(hasPlaceholders(parseSubjectTemplate('orders.all'))).toBe(false);
    expect(subjectPattern(parts)).toBe('orders.*.*');
  });

  it('fills placeholders with single tokens only', () => {
    const parts = parseSubjectTemplate('orders.{region}.{n}');
    expect(fillSubject(parts, { region: 'eu_west-1', n: 12 })).toBe('orders.eu_west-1.12');
    expect(fillSubject(parts, { region: 'eu', n: 12n })).toBe('orders.eu.12');
    expect(() => fillSubject(parts, { region: 'eu.west', n: 1 })).toThrow(/not one subject token/);
    expect(() => fillSubject(parts, { region: '>', n: 1 })).toThrow(/not one subject token/);
    expect(() => fillSubject(parts, { region: '', n: 1 })).toThrow(/not one subject token/);
    expect(() => fillSubject(parts, { region: 'eu', n: 1.5 })).toThrow(/not one subject token/);
    expect(() => fillSubject(parts, { n: 1 })).toThrow(/\{region\} has no value/);
    expect(() => fillSubject(parts, { region: ['eu'], n: 1 })).toThrow(/not a list/);
  });

  it('checks publish templates: placeholders are whole tokens and there are no wildcards', () => {
    expect(subjectTemplateProblem('orders.{region}')).toBeUndefined();
    expect(subjectTemplateProblem('{kind}.orders')).toBeUndefined();
    expect(subjectTemplateProblem('orders.x{region}')).toMatch(/whole token/);
    expect(subjectTemplateProblem('orders.{a}{b}')).toMatch(/whole token/);
    expect(subjectTemplateProblem('orders.>')).toMatch(/published to one subject/);
    expect(subjectTemplateProblem('orders.}')).toMatch(/closes no placeholder/);
    expect(subjectTemplateProblem('orders.{a.{b}}')).toMatch(/nested/);
  });
});
