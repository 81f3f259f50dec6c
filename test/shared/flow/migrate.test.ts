import { describe, expect, it } from 'vitest';
import { CURRENT_FORMAT, FlowFormatError, migrateFlow, parseFlowText } from '../../../shared/flow';

describe('migrateFlow', () => {
  it('passes a current-format document through', () => {
    const doc = { format: CURRENT_FORMAT, id: 'x', nodes: {} };
    expect(migrateFlow(doc)).toEqual({ doc, fromFormat: CURRENT_FORMAT });
  });

  it('refuses a newer format with a clear error at /format', () => {
    let error: unknown;
    try {
      migrateFlow({ format: CURRENT_FORMAT + 1, id: 'x', nodes: {} });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlowFormatError);
    expect((error as FlowFormatError).path).toBe('/format');
    expect((error as FlowFormatError).message).toBe(`flow format ${CURRENT_FORMAT + 1} is newer than this Sluice understands (format ${CURRENT_FORMAT}); upgrade Sluice`);
  });

  it('refuses a missing or non-integer format', () => {
    expect(() => migrateFlow({ id: 'x', nodes: {} })).toThrow(/"format" must be a positive integer/);
    expect(() => migrateFlow({ format: 1.5, id: 'x', nodes: {} })).toThrow(FlowFormatError);
  });

  it('refuses anything that is not a JSON object', () => {
    for (const v of [null, [], 'flow', 3]) expect(() => migrateFlow(v)).toThrow('a flow document must be a JSON object');
  });
});

describe('parseFlowText', () => {
  it('reports text that is not JSON as a FlowFormatError', () => {
    expect(() => parseFlowText('{"format": 1,')).toThrow(/^not valid JSON: /);
  });
});
