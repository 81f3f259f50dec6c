import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { field, flow, setup } from './helpers';

/** Texts of the alerts shown in the field at `pointer` (the form's own and the validator's). */
function alertsIn(pointer: string): string[] {
  return within(field(pointer))
    .queryAllByRole('alert')
    .map((el) => el.textContent ?? '');
}

vi.mock('../../../../designer/src/expr/ExpressionEditor', () => import('./editor-mocks'));
vi.mock('../../../../designer/src/expr/ConditionBuilder', () => import('./editor-mocks'));
vi.mock('../../../../designer/src/code/CodeEditor', () => import('./editor-mocks'));

const generator = { type: 'core.generate', config: { template: { total: '{{int 1 100}}', region: 'eu' } } };

describe('text', () => {
  it('writes what is typed and removes the key when emptied', async () => {
    const { user, config } = setup(flow({ r: { type: 'file.read' } }), ['r']);
    const input = screen.getByLabelText('File');
    await user.type(input, 'data/a.jsonl');
    expect(config('r')).toEqual({ path: 'data/a.jsonl' });
    await user.clear(input);
    expect(config('r')).toEqual({});
  });

  it('shows a default as a placeholder without writing it', () => {
    const { config } = setup(flow({ d: { type: 'core.dlq' } }), ['d']);
    const input = screen.getByLabelText('File') as HTMLInputElement;
    expect(input.value).toBe('');
    expect(input.placeholder).toBe('dead-letters.jsonl');
    expect(config('d')).toEqual({});
  });
});

describe('number', () => {
  it('writes numbers, refuses values out of range with the reason, and removes the key when emptied', async () => {
    const { user, config } = setup(flow({ g: { type: 'core.generate' }, w: { type: 'file.write' } }), ['w']);
    const maxFiles = screen.getByLabelText('Rotated files to keep');
    await user.type(maxFiles, '0');
    expect(alertsIn('/config/maxFiles').join()).toMatch(/at least 1/);
    expect(config('w')).toEqual({});
    await user.type(maxFiles, '7');
    expect(config('w')).toEqual({ maxFiles: 7 });
    expect(alertsIn('/config/maxFiles')).toEqual([]);
    await user.clear(maxFiles);
    expect(config('w')).toEqual({});
  });

  it('refuses a fraction in a whole-number field', () => {
    const { config } = setup(flow({ g: { type: 'core.generate' } }), ['g']);
    fireEvent.change(screen.getByLabelText('Number of records'), { target: { value: '2.5' } });
    expect(alertsIn('/config/count').join()).toMatch(/whole number/);
    expect(config('g')).toEqual({});
  });
});

describe('select', () => {
  it('writes the choice, and choosing the default again removes the key', async () => {
    const { user, config } = setup(flow({ k: { type: 'kafka.consume' } }), ['k']);
    const start = screen.getByLabelText('Start at (new group)') as HTMLSelectElement;
    expect(start.selectedOptions[0]?.textContent).toMatch(/^earliest/);
    await user.selectOptions(start, screen.getByRole('option', { name: 'latest' }));
    expect(config('k')).toEqual({ start: 'latest' });
    await user.selectOptions(start, screen.getByRole('option', { name: 'earliest (default)' }));
    expect(config('k')).toEqual({});
  });

  it('offers "(none)" for an optional choice without a default', async () => {
    const { user, store } = setup(flow({}, [], { t: { type: 'reference.table', config: { format: 'csv' } } }));
    const format = within(field('/resources/t/config/format')).getByLabelText('Format');
    await user.selectOptions(format, within(format).getByRole('option', { name: '(none)' }));
    expect(store.getState().doc.resources?.t?.config).toEqual({});
  });
});

describe('boolean', () => {
  it('toggles the value and removes the key when back at the default', async () => {
    const { user, config } = setup(flow({ f: { type: 'core.filter' } }), ['f']);
    const box = screen.getByLabelText('Send rejected records on');
    await user.click(box);
    expect(config('f')).toEqual({ rejectedPort: true });
    await user.click(box);
    expect(config('f')).toEqual({});
  });
});

describe('list of values', () => {
  it('adds, edits, moves and removes items; an emptied optional list is removed', async () => {
    const { user, config } = setup(flow({ k: { type: 'kafka.consume' } }), ['k']);
    await user.click(screen.getByRole('button', { name: 'Add topic' }));
    expect(config('k').topics).toEqual(['']);
    // The new item has the caret.
    await user.keyboard('orders');
    expect(config('k').topics).toEqual(['orders']);
    await user.click(screen.getByRole('button', { name: 'Add topic' }));
    await user.keyboard('payments');
    expect(config('k').topics).toEqual(['orders', 'payments']);
    await user.click(screen.getByRole('button', { name: 'Move Topic 2 up' }));
    expect(config('k').topics).toEqual(['payments', 'orders']);
    await user.clear(screen.getByLabelText('Topic 1'));
    expect(config('k').topics).toEqual(['', 'orders']);
    await user.click(screen.getByRole('button', { name: 'Remove Topic 1' }));
    expect(config('k').topics).toEqual(['orders']);
    await user.click(screen.getByRole('button', { name: 'Remove Topic 1' }));
    expect(config('k')).toEqual({});
  });
});

describe('list of objects', () => {
  it('adds an item, edits its fields by pointer, and keeps a required list as [] when emptied', async () => {
    const { user, config } = setup(flow({ g: generator, r: { type: 'core.route' } }, ['g->r']), ['r']);
    await user.click(screen.getByRole('button', { name: 'Add route' }));
    expect(config('r')).toEqual({ routes: [{}] });
    const item = field('/config/routes/0');
    await user.type(within(field('/config/routes/0/port')).getByLabelText('Output'), 'eu');
    await user.type(within(item).getByLabelText('Condition'), 'region == "eu"');
    expect(config('r')).toEqual({ routes: [{ port: 'eu', when: 'region == "eu"' }] });
    await user.click(screen.getByRole('button', { name: 'Remove Route 1' }));
    expect(config('r')).toEqual({ routes: [] });
  });
});

describe('choices', () => {
  it('writes the ticked choices in their order and removes the key when none is ticked', async () => {
    const { user, config } = setup(flow({ l: { type: 'core.log' } }), ['l']);
    const group = field('/config/include');
    await user.click(within(group).getByLabelText('meta'));
    await user.click(within(group).getByLabelText('key'));
    expect(config('l')).toEqual({ include: ['key', 'meta'] });
    await user.click(within(group).getByLabelText('key'));
    await user.click(within(group).getByLabelText('meta'));
    expect(config('l')).toEqual({});
  });
});

describe('nested object', () => {
  it('writes inside the object and removes the object when its last field is emptied', async () => {
    const { user, config } = setup(flow({ h: { type: 'enrich.http' } }), ['h']);
    const ttl = within(field('/config/cache/ttl')).getByLabelText('Keep for');
    await user.type(ttl, '5m');
    expect(config('h')).toEqual({ cache: { ttl: '5m' } });
    await user.clear(ttl);
    expect(config('h')).toEqual({});
  });
});

describe('key-value', () => {
  it('adds a row, writes it once it has a name, and removes the key with the last row', async () => {
    const { user, config } = setup(flow({ h: { type: 'enrich.http' } }), ['h']);
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    expect(config('h')).toEqual({});
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Team');
    expect(config('h')).toEqual({ headers: { 'X-Team': '' } });
    await user.type(screen.getByLabelText('Header 1 value'), 'sales');
    expect(config('h')).toEqual({ headers: { 'X-Team': 'sales' } });
    await user.click(screen.getByRole('button', { name: 'Remove Header 1' }));
    expect(config('h')).toEqual({});
  });

  it('offers the allowed values as a choice', async () => {
    const { user, store } = setup(flow({}, [], { t: { type: 'reference.table', config: { path: 'a.csv', key: 'code', columns: { code: 'string' } } } }));
    await user.selectOptions(screen.getByLabelText('Column 1 value'), 'long');
    expect(store.getState().doc.resources?.t?.config?.columns).toEqual({ code: 'long' });
  });
});

describe('duration', () => {
  it('refuses a text without a unit, with the reason, and writes a well-formed one', async () => {
    const { user, config } = setup(flow({ h: { type: 'enrich.http' } }), ['h']);
    const timeout = screen.getByLabelText('Timeout') as HTMLInputElement;
    expect(timeout.placeholder).toBe('2s');
    await user.type(timeout, '5x');
    expect(alertsIn('/config/timeout').join()).toMatch(/ms, s, m or h/);
    expect(config('h')).toEqual({});
    await user.clear(timeout);
    await user.type(timeout, '500ms');
    expect(config('h')).toEqual({ timeout: '500ms' });
    expect(alertsIn('/config/timeout')).toEqual([]);
  });
});

describe('resource-ref', () => {
  it('"Create new…" adds a resource of the field\'s type, names it in the field and shows its form', async () => {
    const { user, store, config } = setup(flow({ k: { type: 'kafka.consume' } }, [], { other: { type: 'nats.connection' } }), ['k']);
    const select = screen.getByLabelText('Connection');
    expect(within(select).queryByRole('option', { name: /other/ })).toBeNull();
    await user.selectOptions(select, screen.getByRole('option', { name: 'Create new…' }));
    const resources = store.getState().doc.resources ?? {};
    const created = Object.keys(resources).find((id) => id !== 'other') as string;
    expect(resources[created]?.type).toBe('kafka.connection');
    expect(config('k')).toEqual({ connection: created });
    const brokers = within(field(`/resources/${created}/config/brokers`)).getByLabelText('Brokers');
    await user.type(brokers, 'localhost:9092');
    expect(store.getState().doc.resources?.[created]?.config).toEqual({ brokers: 'localhost:9092' });
  });

  it('lists only resources of the right type, and the empty choice clears the field', async () => {
    const doc = flow({ k: { type: 'kafka.produce', config: { connection: 'eu' } } }, [], { eu: { type: 'kafka.connection', label: 'EU cluster' }, n: { type: 'nats.connection' } });
    const { user, config } = setup(doc, ['k']);
    const select = screen.getByLabelText('Connection') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Choose a Kafka connection…', 'EU cluster (eu)', 'Create new…']);
    await user.selectOptions(select, within(select).getByRole('option', { name: /Choose/ }));
    expect(config('k')).toEqual({});
  });
});

describe('secret-ref', () => {
  it('refuses a literal with the reason, without repeating it, and composes references', async () => {
    const { user, config, view } = setup(flow({ r: { type: 'redact.fields' } }), ['r']);
    const name = screen.getByLabelText('Key');
    await user.type(name, 'p@ss word!');
    expect(alertsIn('/config/key').join()).toMatch(/never the secret itself/);
    expect(view.container.textContent).not.toContain('p@ss word!');
    expect(config('r')).toEqual({});
    await user.clear(name);
    await user.type(name, 'HASH_KEY');
    expect(config('r')).toEqual({ key: '${secret:HASH_KEY}' });
    await user.selectOptions(screen.getByLabelText('Key: kept in'), 'env');
    expect(config('r')).toEqual({ key: '${env:HASH_KEY}' });
  });

  it('never shows a literal secret already in the file', () => {
    const { view } = setup(flow({ r: { type: 'redact.fields', config: { key: 'hunter2' } } }), ['r']);
    expect(view.container.innerHTML).not.toContain('hunter2');
    expect((screen.getByLabelText('Key') as HTMLInputElement).value).toBe('');
    const notes = within(field('/config/key'))
      .getAllByRole('status')
      .map((el) => el.textContent);
    expect(notes.join()).toMatch(/typed straight into the flow file/);
  });
});

describe('expression', () => {
  it('hands the editor the value, pointer and result type, and writes what it returns', async () => {
    const { user, config } = setup(flow({ g: generator, f: { type: 'core.filter' } }, ['g->f']), ['f']);
    const editor = screen.getByLabelText('Condition');
    expect(editor.dataset.resultType).toBe('bool');
    expect(editor.dataset.editorPointer).toBe('/config/when');
    await user.type(editor, 'total > 1');
    expect(config('f')).toEqual({ when: 'total > 1' });
    await user.clear(editor);
    expect(config('f')).toEqual({});
  });

  it('offers the condition builder on the filter, with a Builder/Expression toggle', async () => {
    const { user } = setup(flow({ f: { type: 'core.filter', config: { when: 'total > 1' } } }), ['f']);
    expect(screen.getByTestId('condition-builder').dataset.value).toBe('total > 1');
    await user.click(screen.getByRole('button', { name: 'Expression' }));
    expect(screen.queryByTestId('condition-builder')).toBeNull();
    expect(screen.getByLabelText('Condition')).toBeTruthy();
  });

  it('gives other expression fields their own result type and no builder', () => {
    setup(flow({ l: { type: 'enrich.lookup' } }), ['l']);
    expect(screen.getByLabelText('Key').dataset.resultType).toBe('any');
    expect(screen.queryByTestId('condition-builder')).toBeNull();
  });
});

describe('field', () => {
  it('suggests the fields arriving at the node and writes the typed path', async () => {
    const { user, config } = setup(flow({ g: generator, l: { type: 'enrich.lookup' } }, ['g->l']), ['l']);
    const input = screen.getByLabelText('Put the row in') as HTMLInputElement;
    const list = input.list as HTMLDataListElement;
    expect([...list.options].map((o) => o.value).sort()).toEqual(['region', 'total']);
    await user.type(input, 'country');
    expect(config('l')).toEqual({ into: 'country' });
  });
});

describe('code', () => {
  it('writes JSON only when it parses to an object, keeping the text and saying why otherwise', () => {
    const { config } = setup(flow({ g: { type: 'core.generate' } }), ['g']);
    const editor = screen.getByLabelText('Record template') as HTMLTextAreaElement;
    expect(editor.dataset.language).toBe('json');
    fireEvent.change(editor, { target: { value: '{"id": ' } });
    expect(alertsIn('/config/template').join()).toMatch(/Not valid JSON/);
    expect(editor.value).toBe('{"id": ');
    expect(config('g')).toEqual({});
    fireEvent.change(editor, { target: { value: '[1, 2]' } });
    expect(alertsIn('/config/template').join()).toMatch(/must be a JSON object/);
    expect(config('g')).toEqual({});
    fireEvent.change(editor, { target: { value: '{"id": "{{seq}}"}' } });
    expect(config('g')).toEqual({ template: { id: '{{seq}}' } });
    expect(editor.value).toBe('{"id": "{{seq}}"}');
    expect(alertsIn('/config/template').join()).not.toMatch(/JSON/);
    fireEvent.change(editor, { target: { value: '' } });
    expect(config('g')).toEqual({});
  });
});
