import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlowList } from '../../../../designer/src/flows/FlowList';
import { testIds } from '../../../../designer/src/testids';
import { cleanFlow, installFakeApi, XSS_NAME, type FakeApi } from '../app/fake-api';

let fake: FakeApi;

beforeEach(() => {
  location.hash = '#/';
  fake = installFakeApi([
    { ...cleanFlow('orders-by-region', 'Orders by region'), description: 'EU orders to the log' },
    cleanFlow('payments', 'Payments'),
    { format: 1, id: 'broken-one', name: 'Half done', nodes: { f: { type: 'core.filter', version: 1, config: {} } } },
  ]);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function rows() {
  await screen.findByTestId(testIds.flowRow('payments'));
  return screen.getAllByRole('row').slice(1);
}

describe('FlowList', () => {
  it('lists every flow with its name, id, node count and problems', async () => {
    render(<FlowList />);
    expect(screen.getByRole('heading', { name: 'Flows' })).toBeTruthy();
    expect(await rows()).toHaveLength(3);
    const row = within(screen.getByTestId(testIds.flowRow('orders-by-region')));
    expect(row.getByText('Orders by region')).toBeTruthy();
    expect(row.getByText('orders-by-region')).toBeTruthy();
    expect(row.getByText('2')).toBeTruthy();
    expect(row.getByRole('link', { name: 'Open' }).getAttribute('href')).toBe('#/flows/orders-by-region');
    const broken = within(screen.getByTestId(testIds.flowRow('broken-one')));
    expect(broken.getByText(/errors?$/).textContent).toMatch(/[1-9]\d* errors?/);
  });

  it('filters on name, id and description', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    const search = screen.getByRole('searchbox', { name: 'Search flows' });
    await user.type(search, 'eu orders');
    expect(screen.queryByTestId(testIds.flowRow('payments'))).toBeNull();
    expect(screen.getByTestId(testIds.flowRow('orders-by-region'))).toBeTruthy();
    await user.clear(search);
    await user.type(search, 'PAYM');
    expect(screen.getByTestId(testIds.flowRow('payments'))).toBeTruthy();
    expect(screen.queryByTestId(testIds.flowRow('orders-by-region'))).toBeNull();
    await user.clear(search);
    await user.type(search, 'nothing like this');
    expect(screen.getByText(/No flows match/)).toBeTruthy();
  });

  it('shows the empty state when there are no flows', async () => {
    fake.flows.clear();
    render(<FlowList />);
    expect(await screen.findByText(/No flows yet/)).toBeTruthy();
  });

  it('creates a new flow with a slug id made from the name and opens it', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    await user.click(screen.getByRole('button', { name: 'New flow' }));
    const dialog = screen.getByRole('dialog', { name: 'New flow' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    await user.type(within(dialog).getByLabelText('Name'), 'Big Orders (EU)');
    expect((within(dialog).getByLabelText('Id') as HTMLInputElement).value).toBe('big-orders-eu');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(location.hash).toBe('#/flows/big-orders-eu'));
    const post = fake.callsTo('POST', '/api/flows');
    expect(post).toHaveLength(1);
    expect(post[0]?.body.flow).toEqual({ format: 1, id: 'big-orders-eu', name: 'Big Orders (EU)', nodes: {} });
  });

  it('refuses an id that is taken or not a slug, with a clear message', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    await user.click(screen.getByRole('button', { name: 'New flow' }));
    const dialog = within(screen.getByRole('dialog', { name: 'New flow' }));
    await user.type(dialog.getByLabelText('Name'), 'Anything');
    const id = dialog.getByLabelText('Id');
    await user.clear(id);
    await user.type(id, 'payments');
    expect(dialog.getByText(/already exists/)).toBeTruthy();
    await user.clear(id);
    await user.type(id, 'Bad Id');
    expect(dialog.getByText(/starts with a lowercase letter/)).toBeTruthy();
    await user.click(dialog.getByRole('button', { name: 'Create' }));
    expect(fake.callsTo('POST', '/api/flows')).toHaveLength(0);
  });

  it('Escape closes a dialog and gives the focus back', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    const opener = screen.getByRole('button', { name: 'New flow' });
    await user.click(opener);
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('asks before deleting and sends DELETE with the etag as If-Match', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    const etag = fake.etagOf('payments');
    await user.click(within(screen.getByTestId(testIds.flowRow('payments'))).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete flow?' });
    expect(dialog.textContent).toContain('Payments');
    expect(fake.callsTo('DELETE', '/api/flows/payments')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByTestId(testIds.flowRow('payments'))).toBeNull());
    const del = fake.callsTo('DELETE', '/api/flows/payments');
    expect(del).toHaveLength(1);
    expect(del[0]?.headers['If-Match']).toBe(`"${etag}"`);
  });

  it('Cancel in the delete dialog deletes nothing', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    await user.click(within(screen.getByTestId(testIds.flowRow('payments'))).getByRole('button', { name: 'Delete' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(screen.getByTestId(testIds.flowRow('payments'))).toBeTruthy();
  });

  it('duplicates a flow under a new name and id', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    await user.click(within(screen.getByTestId(testIds.flowRow('payments'))).getByRole('button', { name: 'Duplicate' }));
    const dialog = within(screen.getByRole('dialog'));
    expect((dialog.getByLabelText('Name') as HTMLInputElement).value).toBe('Payments (copy)');
    expect((dialog.getByLabelText('Id') as HTMLInputElement).value).toBe('payments-copy');
    await user.click(dialog.getByRole('button', { name: 'Duplicate' }));
    expect(await screen.findByTestId(testIds.flowRow('payments-copy'))).toBeTruthy();
    const copy = fake.flows.get('payments-copy')?.flow as { name: string; nodes: object };
    expect(copy.name).toBe('Payments (copy)');
    expect(Object.keys(copy.nodes)).toEqual(['gen', 'out']);
  });

  it('renames the id by creating the new file, then deleting the old one', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    const etag = fake.etagOf('payments');
    await user.click(within(screen.getByTestId(testIds.flowRow('payments'))).getByRole('button', { name: 'Rename' }));
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.getByText(/deletes the old one/)).toBeTruthy();
    const id = dialog.getByLabelText('Id');
    await user.clear(id);
    await user.type(id, 'card-payments');
    await user.click(dialog.getByRole('button', { name: 'Rename' }));
    expect(await screen.findByTestId(testIds.flowRow('card-payments'))).toBeTruthy();
    expect(screen.queryByTestId(testIds.flowRow('payments'))).toBeNull();
    const order = fake.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
    expect(order).toEqual(['POST /api/flows', 'DELETE /api/flows/payments']);
    expect(fake.callsTo('DELETE', '/api/flows/payments')[0]?.headers['If-Match']).toBe(`"${etag}"`);
  });

  it('imports a flow file, and explains why a file that is not a flow cannot be imported', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    const input = screen.getByLabelText('Import a flow file') as HTMLInputElement;
    await user.upload(input, new File([JSON.stringify(cleanFlow('imported', 'Imported one'))], 'imported.flow.json', { type: 'application/json' }));
    expect(await screen.findByTestId(testIds.flowRow('imported'))).toBeTruthy();

    await user.upload(input, new File([JSON.stringify({ format: 1, id: 'x', nodes: 'nope' })], 'bad.flow.json', { type: 'application/json' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Cannot import this file' });
    expect(within(dialog).getAllByRole('listitem').length).toBeGreaterThan(0);
    expect(fake.flows.has('x')).toBe(false);
  });

  it('asks for another id when an imported flow id exists', async () => {
    const user = userEvent.setup();
    render(<FlowList />);
    await rows();
    await user.upload(screen.getByLabelText('Import a flow file'), new File([JSON.stringify(cleanFlow('payments', 'Other payments'))], 'p.json'));
    const dialog = within(await screen.findByRole('dialog', { name: 'Import under another id' }));
    expect((dialog.getByLabelText('Id') as HTMLInputElement).value).toBe('payments-2');
    await user.click(dialog.getByRole('button', { name: 'Import' }));
    expect(await screen.findByTestId(testIds.flowRow('payments-2'))).toBeTruthy();
  });

  it('shows API errors as text', async () => {
    fake.once((c) => (c.path === '/api/flows' && c.method === 'GET' ? { status: 500, body: { error: 'the disk is on fire' } } : undefined));
    render(<FlowList />);
    expect((await screen.findByRole('alert')).textContent).toContain('the disk is on fire');
  });

  it('renders a name with markup as text', async () => {
    fake.flows.set('xss', { flow: cleanFlow('xss', XSS_NAME), etag: 'v99' });
    const { container } = render(<FlowList />);
    const row = await screen.findByTestId(testIds.flowRow('xss'));
    expect(row.textContent).toContain(XSS_NAME);
    expect(container.querySelector('img')).toBeNull();
  });
});
