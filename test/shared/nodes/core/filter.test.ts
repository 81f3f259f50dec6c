import { describe, expect, it } from 'vitest';
import filter from '../../../../shared/nodes/core/filter.node';
import { runNode } from '../../../helpers/run-node';

describe('core.filter', () => {
  it('keeps records for which the condition holds and drops the rest', async () => {
    const r = await runNode(filter, { when: 'total > 1000.0' }, [{ total: 1500.5 }, { total: 3.0 }, { total: 1000.0 }]);
    expect(r.outputs.out).toEqual([{ total: 1500.5 }]);
    expect(r.outputs.rejected).toBeUndefined();
  });

  it('sends failing records to the rejected port when asked', async () => {
    const r = await runNode(filter, { when: 'status == "paid"', rejectedPort: true }, [{ status: 'paid' }, { status: 'open' }]);
    expect(r.outputs).toEqual({ out: [{ status: 'paid' }], rejected: [{ status: 'open' }] });
  });

  it('reports a record whose fields do not fit the condition as an error for that record only', async () => {
    const r = await runNode(filter, { when: 'total > 1000.0' }, [{ total: 'lots' }, { total: 2000.0 }]);
    expect(r.errors.map((e) => e.index)).toEqual([0]);
    expect(r.outputs.out).toEqual([{ total: 2000.0 }]);
  });
});
