import { z } from 'zod';
import { defineNode, hint } from '../../node-kit';

export default defineNode({
  type: 'core.filter',
  version: 1,
  category: 'filter',
  title: 'Filter',
  summary: 'Keeps the records for which a condition is true.',
  icon: 'filter',
  docs: `
Keeps a record when the **condition** is true and drops it otherwise. Dropped records are
acknowledged at once, so they never hold up their source.

The condition is a [CEL](https://cel.dev) expression over the record's fields, e.g.
\`total > 1000.0 && customer.country == "DE"\`. It is type-checked against the record schema
before the flow runs: a misspelt field or a comparison of a number with a string is reported
on the node.

Turn on **Send rejected records on** to route records that fail the condition to the
\`rejected\` port instead of dropping them.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: (config) =>
      config.rejectedPort
        ? [{ name: 'out', title: 'Kept' }, { name: 'rejected', title: 'Rejected' }]
        : [{ name: 'out', title: 'Kept' }],
  },
  config: z.strictObject({
    when: hint.expression(z.string().min(1), {
      resultType: 'bool',
      title: 'Condition',
      description: 'CEL condition; records for which it is true are kept.',
    }),
    rejectedPort: z
      .boolean()
      .default(false)
      .meta({ title: 'Send rejected records on', description: 'Adds a `rejected` port for records that fail the condition.' }),
  }),
  create(config, ctx) {
    const condition = ctx.expr.compile(config.when, { resultType: 'bool', configPath: '/when' });
    const rejected = config.rejectedPort;
    return {
      role: 'processor',
      process(msg, emit) {
        if (condition.evaluate(msg.value) === true) emit('out', msg);
        else if (rejected) emit('rejected', msg);
      },
    };
  },
  examples: [
    {
      title: 'Keep large orders',
      config: { when: 'total > 1000.0', rejectedPort: false },
      input: [{ id: 'a', total: 1500.0 }, { id: 'b', total: 20.5 }],
      output: { out: [{ id: 'a', total: 1500.0 }] },
    },
    {
      title: 'Split by a condition',
      description: 'Records that fail go to the rejected port.',
      config: { when: 'status == "paid"', rejectedPort: true },
      input: [{ status: 'paid' }, { status: 'open' }],
      output: { out: [{ status: 'paid' }], rejected: [{ status: 'open' }] },
    },
  ],
});
