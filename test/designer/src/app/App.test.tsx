import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../../designer/src/App';
import { testIds } from '../../../../designer/src/testids';
import { cleanFlow, installFakeApi, XSS_NAME, type FakeApi } from './fake-api';

vi.mock('../../../../designer/src/canvas/Canvas', () => ({ Canvas: () => 'canvas here' }));
vi.mock('../../../../designer/src/palette/Palette', () => ({ Palette: () => 'palette here' }));
vi.mock('../../../../designer/src/inspector/Inspector', () => ({ Inspector: () => 'inspector here' }));
vi.mock('../../../../designer/src/code/CodeView', () => ({ CodeView: () => 'code here' }));

let fake: FakeApi;

beforeEach(() => {
  sessionStorage.clear();
  fake = installFakeApi([cleanFlow('orders', 'Orders'), cleanFlow('xss', XSS_NAME)]);
});

afterEach(() => {
  vi.unstubAllGlobals();
  location.hash = '';
});

/** Changes the route the way a link does, and lets the app see the hashchange. */
async function go(hash: string) {
  await act(async () => {
    location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}

describe('App', () => {
  it('shows the flow list at #/ and the editor at #/flows/<id>', async () => {
    location.hash = '#/';
    render(<App />);
    expect(await screen.findByTestId(testIds.flowRow('orders'))).toBeTruthy();
    await go('#/flows/orders');
    const toolbar = within(await screen.findByRole('toolbar', { name: 'Flow' }));
    expect((toolbar.getByRole('textbox', { name: 'Flow name' }) as HTMLInputElement).value).toBe('Orders');
    expect(screen.getByTestId(testIds.runState).textContent).toBe('Idle');
  });

  it('renders a name with markup as text in the list and the toolbar', async () => {
    location.hash = '#/';
    const { container } = render(<App />);
    const row = await screen.findByTestId(testIds.flowRow('xss'));
    expect(row.textContent).toContain(XSS_NAME);
    await go('#/flows/xss');
    const name = (await screen.findByRole('textbox', { name: 'Flow name' })) as HTMLInputElement;
    expect(name.value).toBe(XSS_NAME);
    expect(container.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });

  it('a file that is not a flow shows its problems and a way back', async () => {
    fake.flows.set('junk', { flow: { format: 1, id: 'junk', nodes: 'oops' }, etag: 'v9' });
    fake.once((c) =>
      c.path === '/api/flows/junk' ? { status: 200, body: { flow: { format: 1, id: 'junk', nodes: 'oops' }, etag: 'v9', diagnostics: [{ severity: 'error', code: 'x', path: '/nodes', message: 'nodes must be an object' }] } } : undefined,
    );
    location.hash = '#/flows/junk';
    render(<App />);
    expect(await screen.findByText(/nodes must be an object/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Flows' }).getAttribute('href')).toBe('#/');
    expect(screen.queryByRole('toolbar')).toBeNull();
  });

  it('a missing flow says so', async () => {
    location.hash = '#/flows/nowhere';
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toContain('no flow "nowhere"');
  });

  it('asks for the designer token on a 401, keeps it and retries', async () => {
    const user = userEvent.setup();
    fake.once((c) => (c.headers.Authorization ? undefined : { status: 401, body: { error: 'this designer requires a token' } }));
    location.hash = '#/';
    render(<App />);
    const dialog = within(await screen.findByRole('dialog', { name: 'Designer token needed' }));
    await user.type(dialog.getByLabelText('Token'), 's3cret');
    await user.click(dialog.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByTestId(testIds.flowRow('orders'))).toBeTruthy();
    expect(sessionStorage.getItem('sluice.token')).toBe('s3cret');
    const retried = fake.callsTo('GET', '/api/flows');
    expect(retried.at(-1)?.headers.Authorization).toBe('Bearer s3cret');
  });

  it('leaving with unsaved changes asks first', async () => {
    const user = userEvent.setup();
    location.hash = '#/flows/orders';
    render(<App />);
    const name = await screen.findByRole('textbox', { name: 'Flow name' });
    await user.type(name, ' more');
    await user.click(screen.getByRole('link', { name: 'Flows' }));
    const dialog = within(await screen.findByRole('alertdialog', { name: 'Leave with unsaved changes?' }));
    expect(location.hash).toBe('#/flows/orders');
    await user.click(dialog.getByRole('button', { name: 'Leave without saving' }));
    await waitFor(() => expect(location.hash).toBe('#/'));
  });
});
