import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import generate from '../../../../shared/nodes/core/generate.node';
import { outputSchemas } from '../../../../shared/node-kit/define';
import type { Clock, SourceOutput, SourceRuntime } from '../../../../shared/node-kit/runtime';
import type { Message } from '../../../../shared/node-kit/message';
import { ibanCheckDigits, luhnCheckDigit } from '../../../../shared/nodes/core/lib/random';
import { runNode, testContext } from '../../../helpers/run-node';

const ORDER = {
  id: 'ord-{{seq}}',
  customer: { name: '{{name}}', email: '{{email}}', country: '{{country}}', iban: '{{iban}}' },
  region: '{{pick eu us apac}}',
  total: '{{double 10 5000 2}}',
  currency: '{{pick EUR USD GBP}}',
  items: ['{{repeat 1 4}}', { sku: 'SKU-{{digits 6}}', qty: '{{int 1 5}}', card: '{{card}}' }],
};

type Order = {
  id: string;
  customer: { name: string; email: string; country: string; iban: string };
  region: string;
  total: number;
  currency: string;
  items: Array<{ sku: string; qty: number; card: string }>;
};

function ibanIsValid(iban: string): boolean {
  return ibanCheckDigits(iban.slice(0, 2), iban.slice(4)) === iban.slice(2, 4);
}

/** A clock whose time moves only when the source sleeps, so pacing is checked exactly. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}

async function createSource(config: unknown, clock?: Clock): Promise<SourceRuntime> {
  const { ctx } = testContext(generate);
  const rt = await generate.create(generate.config.parse(config), clock ? { ...ctx, clock } : ctx);
  if (rt.role !== 'source') throw new Error('core.generate must be a source');
  return rt;
}

function collectingOutput(overrides: Partial<SourceOutput> = {}): SourceOutput & { messages: Message[]; abort: AbortController } {
  const abort = new AbortController();
  const messages: Message[] = [];
  return {
    abort,
    messages,
    signal: abort.signal,
    emit: (msg) => void messages.push(msg),
    deadLetter: () => {
      throw new Error('core.generate never dead-letters');
    },
    ...overrides,
  };
}

describe('core.generate with a template', () => {
  it('makes realistic nested orders: numeric placeholders give numbers, the rest text', async () => {
    const r = await runNode(generate, { template: ORDER, count: 50, seed: 1 });
    const orders = r.outputs.out as Order[];
    expect(orders).toHaveLength(50);
    orders.forEach((o, i) => {
      expect(o.id).toBe(`ord-${i + 1}`);
      expect(typeof o.total).toBe('number');
      expect(o.total).toBeGreaterThanOrEqual(10);
      expect(o.total).toBeLessThanOrEqual(5000);
      expect(Math.round(o.total * 100) / 100).toBe(o.total);
      expect(['eu', 'us', 'apac']).toContain(o.region);
      expect(['EUR', 'USD', 'GBP']).toContain(o.currency);
      expect(o.customer.name).toMatch(/^\S+ \S+$/);
      expect(o.customer.email).toMatch(/^[a-z]+\.[a-z]+\d*@([a-z]+\.)?example\.(com|org|net)$/);
      expect(o.customer.country).toMatch(/^[A-Z]{2}$/);
      expect(ibanIsValid(o.customer.iban)).toBe(true);
      expect(o.items.length).toBeGreaterThanOrEqual(1);
      expect(o.items.length).toBeLessThanOrEqual(4);
      for (const item of o.items) {
        expect(item.sku).toMatch(/^SKU-\d{6}$/);
        expect(Number.isInteger(item.qty) && item.qty >= 1 && item.qty <= 5).toBe(true);
        expect(item.card).toMatch(/^4\d{15}$/);
        expect(luhnCheckDigit(item.card.slice(0, 15))).toBe(item.card[15]);
      }
    });
    // Each repeated element is generated afresh, not copied.
    const multi = orders.find((o) => o.items.length > 1)!;
    expect(multi.items[0]).not.toBe(multi.items[1]);
    expect(new Set(orders.map((o) => o.items.length)).size).toBeGreaterThan(1);
  });

  it('checks IBANs and card numbers the published way (so the checks above can fail)', () => {
    expect(ibanCheckDigits('GB', 'WEST12345698765432')).toBe('82');
    expect(ibanCheckDigits('DE', '500105175407324931')).toBe('44');
    expect(ibanCheckDigits('FR', '20041010050500013M02606')).toBe('14');
    expect(luhnCheckDigit('411111111111111')).toBe('1');
    expect(luhnCheckDigit('7992739871')).toBe('3');
  });

  it('gives the same records for the same seed and different ones for another seed', async () => {
    const a = await runNode(generate, { template: ORDER, count: 20, seed: 42 });
    const b = await runNode(generate, { template: ORDER, count: 20, seed: 42 });
    const c = await runNode(generate, { template: ORDER, count: 20, seed: 43 });
    expect(b.outputs.out).toEqual(a.outputs.out);
    expect(c.outputs.out).not.toEqual(a.outputs.out);
  });

  it('copies literal values, renders placeholders inside text and honours placeholder arguments', async () => {
    const r = await runNode(generate, {
      template: {
        label: 'static',
        n: 7,
        ratio: 0.5,
        flag: true,
        nothing: null,
        code: 'A{{int 3 3}}-{{seq 100}}',
        pick: '{{pick "New York" Paris}}',
        at: '{{now}}',
        iso: '{{now iso}}',
        yes: '{{bool 1}}',
        no: '{{bool 0}}',
        de: '{{iban DE}}',
        id: '{{uuid}}',
        fixed: [1, '{{int 5 5}}'],
        empty: ['{{repeat 0 0}}', { x: 1 }],
      },
      count: 2,
      seed: 3,
    });
    const [first, second] = r.outputs.out as Array<Record<string, unknown>>;
    expect(first).toMatchObject({ label: 'static', n: 7, ratio: 0.5, flag: true, nothing: null, code: 'A3-100', yes: true, no: false, fixed: [1, 5], empty: [] });
    expect(second!.code).toBe('A3-101');
    expect(['New York', 'Paris']).toContain(first!.pick);
    expect(typeof first!.at).toBe('number');
    expect(Math.abs((first!.at as number) - Date.now())).toBeLessThan(60_000);
    expect(new Date(first!.iso as string).toISOString()).toBe(first!.iso);
    expect(first!.de).toMatch(/^DE\d{20}$/);
    expect(ibanIsValid(first!.de as string)).toBe(true);
    expect(first!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('makes a message key from the key template, with the same record number as the value', async () => {
    const r = await runNode(generate, { template: { id: 'ord-{{seq}}' }, key: 'ord-{{seq}}', count: 3, seed: 1 });
    expect(r.messages.out!.map((m) => [m.key, (m.value as { id: string }).id])).toEqual([
      ['ord-1', 'ord-1'],
      ['ord-2', 'ord-2'],
      ['ord-3', 'ord-3'],
    ]);
    const numeric = await runNode(generate, { template: { a: 1 }, key: '{{int 7 7}}', count: 1, seed: 1 });
    expect(numeric.messages.out![0]!.key).toBe('7');
  });

  it('derives an Avro schema from the template that its records satisfy', async () => {
    const config = generate.config.parse({ template: { ...ORDER, at: '{{now}}', ok: '{{bool}}', ref: '{{uuid}}' }, count: 30, seed: 5 });
    const schema = outputSchemas(generate, {}, config).out!;
    expect(schema.type).toBe('record');
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    expect(byName.total).toBe('double');
    expect(byName.id).toBe('string');
    expect(byName.at).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    expect(byName.ok).toBe('boolean');
    expect(byName.items).toMatchObject({ type: 'array', items: { type: 'record', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'long' }, { name: 'card', type: 'string' }] } });
    const type = avsc.Type.forSchema(schema as never);
    const r = await runNode(generate, config);
    for (const record of r.outputs.out!) expect(type.isValid(record)).toBe(true);
  });

  it('gives nested records distinct Avro names so the schema stays valid', () => {
    const config = generate.config.parse({ template: { a: { x: { v: 1 } }, b: { x: { v: 'text' } } }, count: 1 });
    const schema = outputSchemas(generate, {}, config).out!;
    expect(() => avsc.Type.forSchema(schema as never)).not.toThrow();
  });
});

describe('core.generate with an Avro schema', () => {
  const PAYMENT = {
    type: 'record',
    name: 'Payment',
    fields: [
      { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'amount', type: 'double' },
      { name: 'count', type: 'int' },
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['OPEN', 'PAID'] } },
      { name: 'note', type: ['null', 'string'] },
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'attrs', type: { type: 'map', values: 'long' } },
      { name: 'payer', type: { type: 'record', name: 'Payer', fields: [{ name: 'name', type: 'string' }] } },
      { name: 'payee', type: 'Payer' },
    ],
  };

  it('makes records that are valid for the schema, repeatably under a seed', async () => {
    const a = await runNode(generate, { avroSchema: PAYMENT, count: 40, seed: 9 });
    const b = await runNode(generate, { avroSchema: PAYMENT, count: 40, seed: 9 });
    const c = await runNode(generate, { avroSchema: PAYMENT, count: 40, seed: 10 });
    const type = avsc.Type.forSchema(PAYMENT as never);
    expect(a.outputs.out).toHaveLength(40);
    for (const record of a.outputs.out!) expect(type.isValid(record)).toBe(true);
    expect(b.outputs.out).toEqual(a.outputs.out);
    expect(c.outputs.out).not.toEqual(a.outputs.out);
    const first = a.outputs.out![0] as { id: string; at: number; payee: { name: string } };
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(first.at).toBeGreaterThan(Date.UTC(2023, 11, 31));
    expect(typeof first.payee.name).toBe('string');
    const notes = a.outputs.out!.map((p) => (p as { note: unknown }).note);
    expect(notes).toContain(null);
    expect(notes.some((n) => typeof n === 'string')).toBe(true);
  });

  it('ends recursive schemas', async () => {
    const tree = {
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'label', type: 'string' },
        { name: 'next', type: ['null', 'Node'] },
        { name: 'children', type: { type: 'array', items: 'Node' } },
      ],
    };
    const r = await runNode(generate, { avroSchema: tree, count: 20, seed: 1 });
    const type = avsc.Type.forSchema(tree as never);
    for (const record of r.outputs.out!) expect(type.isValid(record)).toBe(true);
  });

  it('makes a field called __proto__ a field, never the prototype', async () => {
    const schema = {
      type: 'record',
      name: 'Odd',
      fields: [
        { name: '__proto__', type: { type: 'record', name: 'P', fields: [{ name: 'x', type: 'int' }] } },
        { name: 'a', type: 'int' },
      ],
    };
    const r = await runNode(generate, { avroSchema: schema, count: 3, seed: 1 });
    for (const record of r.outputs.out as object[]) {
      expect(Object.keys(record)).toEqual(['__proto__', 'a']);
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    }
  });

  it('uses the Avro schema as the output schema', () => {
    const config = generate.config.parse({ avroSchema: PAYMENT, count: 1 });
    expect(outputSchemas(generate, {}, config).out).toEqual(PAYMENT);
  });
});

describe('core.generate pacing, backpressure and stopping', () => {
  it('stops after count records, or runs until the flow stops it when count is empty', async () => {
    expect((await runNode(generate, { template: { a: 1 }, count: 0 })).outputs.out).toBeUndefined();
    const unbounded = await runNode(generate, { template: { n: '{{seq}}' } }, [], { limit: 2500 });
    expect(unbounded.outputs.out).toHaveLength(2500);
    expect((unbounded.outputs.out as Array<{ n: number }>).at(-1)!.n).toBe(2500);
  });

  it('waits for emit when the flow is full before making the next record', async () => {
    const src = await createSource({ template: { n: '{{seq}}' }, count: 3, seed: 1 });
    const release: Array<() => void> = [];
    const out = collectingOutput();
    out.emit = (msg) => {
      out.messages.push(msg);
      return new Promise<void>((resolve) => release.push(resolve));
    };
    const done = src.run(out);
    await new Promise((r) => setTimeout(r, 20));
    expect(out.messages).toHaveLength(1);
    release.shift()!();
    await new Promise((r) => setTimeout(r, 20));
    expect(out.messages).toHaveLength(2);
    release.shift()!();
    await new Promise((r) => setTimeout(r, 20));
    release.shift()!();
    await done;
    expect(out.messages.map((m) => (m.value as { n: number }).n)).toEqual([1, 2, 3]);
  });

  it('paces records evenly at the given rate on the injected clock', async () => {
    const clock = fakeClock();
    const start = clock.now();
    const src = await createSource({ template: { n: '{{seq}}', at: '{{now}}' }, count: 5, rate: 10, seed: 1 }, clock);
    const out = collectingOutput();
    await src.run(out);
    expect(out.messages.map((m) => (m.value as { at: number }).at - start)).toEqual([0, 100, 200, 300, 400]);
    expect(clock.sleeps).toEqual([100, 100, 100, 100]);
  });

  it('resumes the pace after a long stall instead of bursting to catch up', async () => {
    const clock = fakeClock();
    const start = clock.now();
    const src = await createSource({ template: { at: '{{now}}' }, count: 4, rate: 10, seed: 1 }, clock);
    const out = collectingOutput();
    const emit = out.emit;
    out.emit = (msg) => {
      emit(msg);
      // The first record is held by a full flow for five seconds.
      if (out.messages.length === 1) return clock.sleep(5000);
    };
    await src.run(out);
    expect(out.messages.map((m) => (m.value as { at: number }).at - start)).toEqual([0, 5000, 5100, 5200]);
  });

  it('stops promptly when the flow stops, also while waiting for the next paced record', async () => {
    const src = await createSource({ template: { n: '{{seq}}' }, rate: 1, seed: 1 });
    const out = collectingOutput();
    const done = src.run(out);
    await new Promise((r) => setTimeout(r, 30));
    out.abort.abort();
    const t0 = Date.now();
    await done;
    expect(Date.now() - t0).toBeLessThan(500);
    expect(out.messages).toHaveLength(1);
  });

  it('gives the event loop a turn when nothing pushes back, so a stop signal from a timer arrives', async () => {
    const src = await createSource({ template: { n: '{{seq}}' }, seed: 1 });
    const out = collectingOutput();
    setTimeout(() => out.abort.abort(), 50);
    await src.run(out);
    expect(out.messages.length).toBeGreaterThan(0);
  });
});

describe('core.generate lint', () => {
  const lint = (config: unknown) => generate.lint!(generate.config.parse(config));

  it('needs exactly one of template and Avro schema', () => {
    expect(lint({})).toEqual([expect.objectContaining({ path: '/template' })]);
    expect(lint({ template: { a: 1 }, avroSchema: { type: 'record', name: 'R', fields: [] } })).toEqual([expect.objectContaining({ path: '/avroSchema' })]);
  });

  it('points at the template value with an unknown or malformed placeholder', () => {
    const issues = lint({
      template: {
        customer: { email: '{{emial}}' },
        n: '{{int 5 1}}',
        d: '{{double a b}}',
        open: 'x {{seq',
        items: ['{{repeat 1 2}}', { x: 1 }, { y: 2 }],
        misplaced: '{{repeat 1 2}}',
        mixed: [1, 'a'],
      },
    });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath['/template/customer/email']).toMatch(/unknown placeholder "\{\{emial\}\}"/);
    expect(byPath['/template/n']).toMatch(/MIN is larger than MAX/);
    expect(byPath['/template/d']).toMatch(/double MIN MAX/);
    expect(byPath['/template/open']).toMatch(/no closing/);
    expect(byPath['/template/items']).toMatch(/exactly two entries/);
    expect(byPath['/template/misplaced']).toMatch(/first entry of a two-entry array/);
    expect(byPath['/template/mixed']).toMatch(/different shapes/);
  });

  it('reports an invalid Avro schema and a bad key template', () => {
    expect(lint({ avroSchema: { type: 'record', name: 'R', fields: [{ name: 'a', type: 'strng' }] } })).toEqual([
      { path: '/avroSchema', message: expect.stringMatching(/not a valid Avro schema: .*strng/) },
    ]);
    expect(lint({ avroSchema: { type: 'string' } })[0]!.message).toMatch(/must be an Avro record/);
    expect(lint({ template: { a: 1 }, key: '{{nope}}' })).toEqual([expect.objectContaining({ path: '/key' })]);
  });

  it('warns about keys Avro cannot name, refuses __proto__, and will not build with errors', async () => {
    expect(lint({ template: { 'order-id': '{{seq}}' } })).toEqual([expect.objectContaining({ path: '/template/order-id', severity: 'warning' })]);
    expect(lint({ template: JSON.parse('{"a": {"__proto__": {"x": 1}}}') })).toEqual([expect.objectContaining({ path: '/template/a/__proto__' })]);
    await expect(createSource({ template: { a: '{{nope}}' } })).rejects.toThrow(/\/template\/a: unknown placeholder/);
  });

  it('accepts every example config', () => {
    for (const ex of generate.examples) expect(lint(ex.config).filter((i) => i.severity !== 'warning')).toEqual([]);
  });
});
