import { act, render, screen, within } from '@testing-library/react';
import { Profiler } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DesignerProvider } from '../../../../designer/src/context';
import { Inspector } from '../../../../designer/src/inspector/Inspector';
import { createFlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';
import { defineNode } from '../../../../shared/node-kit/define';
import { createRegistry } from '../../../../shared/node-kit/registry';
import { field, flow, registry, setup } from './helpers';

vi.mock('../../../../designer/src/expr/ExpressionEditor', () => import('./editor-mocks'));
vi.mock('../../../../designer/src/expr/ConditionBuilder', () => import('./editor-mocks'));
vi.mock('../../../../designer/src/code/CodeEditor', () => import('./editor-mocks'));

const generator = { type: 'core.generate', config: { template: { total: '{{int 1 100}}', region: 'eu' } } };

function alertsIn(el: HTMLElement): string[] {
  return within(el)
    .queryAllByRole('alert')
    .map((a) => a.textContent ?? '');
}

describe('what the inspector shows', () => {
  it('shows the selected node: type, id, version, summary and docs', () => {
    const { view } = setup(flow({ f: { type: 'core.filter', label: 'Big orders', config: { when: 'true' } } }), ['f']);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Filter');
    const aside = view.container;
    expect(aside.textContent).toContain('core.filter');
    expect(aside.textContent).toContain('version 1');
    expect(screen.getByText('Keeps the records for which a condition is true.')).toBeTruthy();
    // Markdown is rendered: bold text becomes <strong>, not asterisks.
    expect(screen.getByText('condition', { selector: 'strong' })).toBeTruthy();
    expect((screen.getByLabelText('Label') as HTMLInputElement).value).toBe('Big orders');
  });

  it('draws tables in the docs as tables and opens their links in a new tab', () => {
    const { view } = setup(flow({ r: { type: 'redact.fields' }, f: { type: 'core.filter' } }), ['r']);
    expect(screen.getByRole('columnheader', { name: 'Action' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'tokenize' })).toBeTruthy();
    view.unmount();
    setup(flow({ f: { type: 'core.filter' } }), ['f']);
    expect(screen.getByRole('link', { name: 'CEL' }).getAttribute('target')).toBe('_blank');
  });

  it('counts a multiple selection', () => {
    setup(flow({ a: { type: 'core.log' }, b: { type: 'core.log' } }), ['a', 'b']);
    expect(screen.getByText('2 nodes selected')).toBeTruthy();
  });

  it('shows the flow settings when nothing is selected, and edits the name', async () => {
    const { user, store } = setup(flow({ a: { type: 'core.log' } }));
    expect(screen.getByRole('heading', { name: 'Flow settings' })).toBeTruthy();
    await user.type(screen.getByLabelText('Name'), 'Orders');
    expect(store.getState().doc.name).toBe('Orders');
  });

  it('renders a label with markup as text', () => {
    const label = '<img src=x onerror=alert(1)>';
    const { view } = setup(flow({ f: { type: 'core.filter', label } }), ['f']);
    expect(view.container.querySelector('img')).toBeNull();
    expect((screen.getByLabelText('Label') as HTMLInputElement).value).toBe(label);
  });

  it('drops raw HTML from a type\'s docs instead of rendering it', () => {
    const risky = defineNode({
      type: 'test.risky',
      version: 1,
      category: 'sink',
      title: 'Risky',
      summary: 'Docs with markup.',
      docs: 'Before <img src=x onerror="alert(1)"> after <script>alert(2)</script>',
      icon: 'box',
      ports: { inputs: [{ name: 'in' }], outputs: [] },
      config: z.strictObject({}),
      create: () => ({ role: 'sink' as const, write: () => {} }),
      examples: [],
    });
    const reg = createRegistry([...registry.nodes(), risky], registry.resources());
    const store = createFlowStore(reg, { format: 1, id: 't', nodes: { r: { type: 'test.risky', version: 1, config: {} } } });
    store.getState().select({ nodes: ['r'] });
    const { container } = render(
      <DesignerProvider value={{ store, runs: createRunStore(), registry: reg }}>
        <Inspector />
      </DesignerProvider>,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.textContent).toContain('Before');
  });
});

describe('problems from the validator', () => {
  it('shows an expression error under its field', () => {
    setup(flow({ g: generator, f: { type: 'core.filter', config: { when: 'totl > 1' } } }, ['g->f']), ['f']);
    expect(alertsIn(field('/config/when')).join()).toMatch(/unknown field "totl", did you mean "total"/);
    expect(alertsIn(field('/label'))).toEqual([]);
  });

  it('puts a problem inside a list item under that item\'s field', () => {
    setup(flow({ g: generator, r: { type: 'core.route', config: { routes: [{ port: 'eu', when: 'regon == "eu"' }] } } }, ['g->r']), ['r']);
    const when = field('/config/routes/0/when');
    expect(alertsIn(when).join()).toMatch(/unknown field "regon"/);
    // Shown once, on the deepest field, not again on the list around it.
    expect(alertsIn(field('/config/routes')).filter((t) => /regon/.test(t))).toHaveLength(1);
  });

  it('lists problems that belong to no field at the top, so none is hidden', () => {
    setup(flow({ g: generator, f: { type: 'core.filter', config: { when: 'total > 1', bogus: 1 } } }, ['g->f']), ['f']);
    const top = screen.getByRole('heading', { name: 'Problems with this node' }).parentElement as HTMLElement;
    expect(top.textContent).toMatch(/bogus/);
  });

  it('opens the Advanced section when a field in it has a problem', () => {
    setup(flow({ g: generator, w: { type: 'file.write', config: { path: 'out.jsonl', maxFiles: 0 } } }, ['g->w']), ['w']);
    const maxFiles = field('/config/maxFiles');
    expect((maxFiles.closest('details') as HTMLDetailsElement).open).toBe(true);
    expect(alertsIn(maxFiles).length).toBeGreaterThan(0);
  });
});

describe('focus requests', () => {
  it('puts the caret in the field the problems panel asks for, selecting its node', () => {
    const { store } = setup(flow({ g: generator, f: { type: 'core.filter', config: { when: 'totl > 1' } } }, ['g->f']));
    act(() => store.getState().focusField('f', '/config/when'));
    expect(document.activeElement).toBe(screen.getByLabelText('Condition'));
  });

  it('opens a closed Advanced section and uses the deepest field containing the pointer', () => {
    const { store } = setup(flow({ w: { type: 'file.write' }, h: { type: 'enrich.http' } }), ['h']);
    act(() => store.getState().focusField('w', '/config/maxFiles'));
    const input = screen.getByLabelText('Rotated files to keep');
    expect(document.activeElement).toBe(input);
    expect((input.closest('details') as HTMLDetailsElement).open).toBe(true);
    act(() => store.getState().focusField('h', '/config/cache/ttl'));
    expect(document.activeElement).toBe(screen.getByLabelText('Keep for'));
  });

  it('focuses a list item\'s field', () => {
    const { store } = setup(flow({ r: { type: 'core.route', config: { routes: [{ port: 'a', when: 'true' }, { port: 'b', when: 'x' }] } } }), ['r']);
    act(() => store.getState().focusField('r', '/config/routes/1/when'));
    expect(document.activeElement).toBe(within(field('/config/routes/1/when')).getByLabelText('Condition'));
  });

  it('focuses a resource field for a problem that belongs to the flow, not a node', () => {
    const { store } = setup(flow({ l: { type: 'core.log' } }, [], { k: { type: 'kafka.connection', config: { zone: 'eu' } } }), ['l']);
    act(() => store.getState().focusField(undefined, '/resources/k/config/brokers'));
    expect(document.activeElement).toBe(within(field('/resources/k/config/brokers')).getByLabelText('Brokers'));
  });

  it('does not replay an old request when the node is selected again', () => {
    const { store } = setup(flow({ f: { type: 'core.filter' }, l: { type: 'core.log' } }));
    act(() => store.getState().focusField('f', '/config/when'));
    act(() => store.getState().select({ nodes: ['l'] }));
    (document.activeElement as HTMLElement | null)?.blur();
    act(() => store.getState().select({ nodes: ['f'] }));
    expect(document.activeElement).not.toBe(screen.getByLabelText('Condition'));
  });
});

describe('undo', () => {
  it('makes one typing gesture one undo entry, in the label and in a config field', async () => {
    const { user, store, undoCount, node } = setup(flow({ f: { type: 'core.filter' } }), ['f']);
    await user.type(screen.getByLabelText('Label'), 'Big orders');
    expect(undoCount()).toBe(1);
    await user.type(screen.getByLabelText('Condition'), 'total > 1');
    expect(undoCount()).toBe(2);
    act(() => store.temporal.getState().undo());
    expect(node('f').config).toEqual({});
    expect(node('f').label).toBe('Big orders');
    expect((screen.getByLabelText('Condition') as HTMLTextAreaElement).value).toBe('');
  });

  it('makes each click its own undo entry, even in quick succession', async () => {
    const { user, undoCount, config } = setup(flow({ k: { type: 'kafka.consume' } }), ['k']);
    await user.click(screen.getByRole('button', { name: 'Add topic' }));
    await user.click(screen.getByRole('button', { name: 'Add topic' }));
    expect(config('k').topics).toEqual(['', '']);
    expect(undoCount()).toBe(2);
  });

  it('brings a refused draft back in line with the document on undo', async () => {
    const { user, store } = setup(flow({ h: { type: 'enrich.http', config: { timeout: '1s' } } }), ['h']);
    const timeout = screen.getByLabelText('Timeout') as HTMLInputElement;
    await user.clear(timeout);
    await user.type(timeout, '3s');
    expect(store.getState().doc.nodes.h?.config).toEqual({ timeout: '3s' });
    act(() => store.temporal.getState().undo());
    expect(timeout.value).toBe('1s');
  });
});

describe('on errors', () => {
  it('writes retry settings and the dead-letter node to the node, offering only other sinks', async () => {
    const doc = flow({ g: generator, f: { type: 'core.filter', config: { when: 'true' } }, dlq: { type: 'core.dlq', label: 'Dead letters' }, out: { type: 'file.write' } }, ['g->f', 'f->out']);
    const { user, node } = setup(doc, ['f']);
    await user.type(screen.getByLabelText('Retry attempts'), '5');
    await user.type(screen.getByLabelText('First wait'), '200ms');
    expect(node('f').errors).toEqual({ retry: { attempts: 5, backoff: '200ms' } });
    const target = screen.getByLabelText('Dead-letter node') as HTMLSelectElement;
    expect([...target.options].map((o) => o.value)).toEqual(['', 'dlq', 'out']);
    await user.selectOptions(target, 'dlq');
    expect(node('f').errors).toEqual({ retry: { attempts: 5, backoff: '200ms' }, deadLetter: 'dlq' });
    await user.clear(screen.getByLabelText('Retry attempts'));
    await user.clear(screen.getByLabelText('First wait'));
    expect(node('f').errors).toEqual({ deadLetter: 'dlq' });
  });

  it('writes the flow-level policy from the flow settings', async () => {
    const { user, store } = setup(flow({ dlq: { type: 'core.dlq' } }));
    await user.selectOptions(screen.getByLabelText('Dead-letter node'), 'dlq');
    await user.type(screen.getByLabelText('Retry attempts'), '2');
    expect(store.getState().doc.errors).toEqual({ deadLetter: 'dlq', retry: { attempts: 2 } });
  });
});

describe('resources in the flow settings', () => {
  it('adds a resource of the chosen type and edits it with its generated form', async () => {
    const { user, store } = setup(flow({}));
    await user.selectOptions(screen.getByLabelText('New resource'), 'kafka.connection');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    const [id, res] = Object.entries(store.getState().doc.resources ?? {})[0] ?? [];
    expect(res?.type).toBe('kafka.connection');
    await user.type(within(field(`/resources/${id}/config/zone`)).getByLabelText('Zone'), 'eu');
    expect(store.getState().doc.resources?.[id as string]?.config).toEqual({ zone: 'eu' });
  });

  it('removes an unused resource at once', async () => {
    const { user, store } = setup(flow({}, [], { t: { type: 'reference.table', label: 'Countries' } }));
    await user.click(screen.getByRole('button', { name: 'Remove Countries' }));
    expect(store.getState().doc.resources).toBeUndefined();
  });

  it('asks before removing a resource a node uses', async () => {
    const doc = flow({ l: { type: 'enrich.lookup', label: 'Country data', config: { table: 't' } } }, [], { t: { type: 'reference.table', label: 'Countries' } });
    const { user, store } = setup(doc);
    await user.click(screen.getByRole('button', { name: 'Remove Countries' }));
    const confirm = screen.getByRole('alertdialog');
    expect(confirm.textContent).toMatch(/used by Country data/);
    await user.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(store.getState().doc.resources?.t).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Remove Countries' }));
    await user.click(screen.getByRole('button', { name: 'Remove anyway' }));
    expect(store.getState().doc.resources).toBeUndefined();
  });

  it('shows a resource\'s problems under its fields', () => {
    setup(flow({}, [], { k: { type: 'kafka.connection', config: { brokers: '' } } }));
    expect(alertsIn(field('/resources/k/config/brokers')).join()).toMatch(/must not be empty/);
    expect(alertsIn(field('/resources/k/config/zone')).join()).toMatch(/required/);
  });
});

describe('keeping it fast', () => {
  it('does not redraw the form when another node changes, only when the shown one does', () => {
    // `o` is no sink, so it is not in the dead-letter choice either.
    const store = createFlowStore(registry, flow({ g: generator, f: { type: 'core.filter', config: { when: 'total > 1' } }, o: { type: 'core.map' } }, ['g->f']));
    store.getState().select({ nodes: ['f'] });
    let commits = 0;
    render(
      <DesignerProvider value={{ store, runs: createRunStore(), registry }}>
        <Profiler id="inspector" onRender={() => commits++}>
          <Inspector />
        </Profiler>
      </DesignerProvider>,
    );
    const before = commits;
    act(() => store.getState().moveNodes({ o: { x: 200, y: 40 } }));
    act(() => store.getState().setNodeLabel('o', 'Elsewhere'));
    expect(commits).toBe(before);
    act(() => store.getState().setNodeLabel('f', 'Big orders'));
    expect(commits).toBeGreaterThan(before);
  });
});
