import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registry } from '../../../../designer/src/registry';
import { diagnosticsOf, isDirty } from '../../../../designer/src/store/flow-store';
import { testIds } from '../../../../designer/src/testids';
import type { FlowDocument } from '../../../../shared/flow/document';
import { cleanFlow, installFakeApi } from '../app/fake-api';
import { renderableShell } from './render-shell';

// The other helpers' components are not under test here (and need a real browser).
vi.mock('../../../../designer/src/canvas/Canvas', () => ({ Canvas: () => 'canvas here' }));
vi.mock('../../../../designer/src/palette/Palette', () => ({ Palette: () => 'palette here' }));
vi.mock('../../../../designer/src/inspector/Inspector', () => ({ Inspector: () => 'inspector here' }));
vi.mock('../../../../designer/src/code/CodeView', () => ({ CodeView: () => 'code here' }));

afterEach(() => {
  vi.unstubAllGlobals();
});

function setup(doc: FlowDocument = cleanFlow('orders', 'Orders')) {
  const fake = installFakeApi([doc]);
  const shell = renderableShell(doc, fake.etagOf(doc.id));
  render(shell.ui);
  return { fake, ...shell };
}

const toolbar = () => within(screen.getByRole('toolbar', { name: 'Flow' }));

describe('EditorShell', () => {
  it('has the landmarks and the toolbar controls', () => {
    setup();
    for (const name of ['Palette', 'Canvas', 'Inspector', 'Problems']) expect(screen.getByRole(name === 'Canvas' ? 'main' : name === 'Problems' ? 'region' : 'complementary', { name })).toBeTruthy();
    for (const name of ['Undo', 'Redo', 'Canvas', 'Code', 'Import', 'Export', 'Save', 'Run']) expect(toolbar().getByRole('button', { name })).toBeTruthy();
    expect(toolbar().getByRole('link', { name: 'Flows' }).getAttribute('href')).toBe('#/');
    expect(screen.getByTestId(testIds.runState).textContent).toBe('Idle');
  });

  it('Undo and Redo follow the store history', async () => {
    const user = userEvent.setup();
    const { store } = setup();
    const undo = toolbar().getByRole('button', { name: 'Undo' }) as HTMLButtonElement;
    const redo = toolbar().getByRole('button', { name: 'Redo' }) as HTMLButtonElement;
    expect(undo.disabled).toBe(true);
    expect(redo.disabled).toBe(true);
    act(() => store.getState().setFlowMeta({ name: 'Renamed' }));
    expect(undo.disabled).toBe(false);
    await user.click(undo);
    expect(store.getState().doc.name).toBe('Orders');
    expect(undo.disabled).toBe(true);
    expect(redo.disabled).toBe(false);
    await user.click(redo);
    expect(store.getState().doc.name).toBe('Renamed');
    expect(redo.disabled).toBe(true);
  });

  it('the flow name is edited inline and shows as unsaved', async () => {
    const user = userEvent.setup();
    const { store } = setup();
    expect(screen.queryByText('Unsaved changes')).toBeNull();
    const name = toolbar().getByRole('textbox', { name: 'Flow name' });
    await user.clear(name);
    await user.type(name, 'Big orders');
    expect(store.getState().doc.name).toBe('Big orders');
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    // Typing is one gesture: one undo entry.
    expect(store.temporal.getState().pastStates.length).toBe(1);
  });

  it('Ctrl+Z is ignored inside an input and undoes elsewhere', () => {
    const { store } = setup();
    act(() => store.getState().setFlowMeta({ name: 'Changed' }));
    const name = toolbar().getByRole('textbox', { name: 'Flow name' });
    fireEvent.keyDown(name, { key: 'z', ctrlKey: true });
    expect(store.getState().doc.name).toBe('Changed');
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(store.getState().doc.name).toBe('Orders');
    fireEvent.keyDown(document.body, { key: 'y', ctrlKey: true });
    expect(store.getState().doc.name).toBe('Changed');
    fireEvent.keyDown(document.body, { key: 'Z', ctrlKey: true, shiftKey: true });
    expect(store.getState().doc.name).toBe('Changed');
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    fireEvent.keyDown(document.body, { key: 'Z', ctrlKey: true, shiftKey: true });
    expect(store.getState().doc.name).toBe('Changed');
  });

  it('Save sends If-Match with the loaded etag and marks the flow saved', async () => {
    const user = userEvent.setup();
    const { store, fake } = setup();
    act(() => store.getState().setFlowMeta({ name: 'Saved name' }));
    expect(isDirty(registry, store.getState())).toBe(true);
    await user.click(toolbar().getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(isDirty(registry, store.getState())).toBe(false));
    const put = fake.callsTo('PUT', '/api/flows/orders');
    expect(put).toHaveLength(1);
    expect(put[0]?.headers['If-Match']).toBe('"v1"');
    expect(put[0]?.body.flow.name).toBe('Saved name');
    expect(store.getState().etag).toBe(fake.etagOf('orders'));
    expect(screen.queryByText('Unsaved changes')).toBeNull();
    expect(screen.getByTestId(testIds.toast).textContent).toContain('Saved');
  });

  it('Ctrl+S saves, even from the name field', async () => {
    const { store, fake } = setup();
    act(() => store.getState().setFlowMeta({ name: 'Via keys' }));
    fireEvent.keyDown(toolbar().getByRole('textbox', { name: 'Flow name' }), { key: 's', ctrlKey: true });
    await waitFor(() => expect(fake.callsTo('PUT', '/api/flows/orders')).toHaveLength(1));
    await waitFor(() => expect(isDirty(registry, store.getState())).toBe(false));
  });

  it('a 412 opens the conflict dialog and Overwrite retries with the etag from the error', async () => {
    const user = userEvent.setup();
    const { store, fake } = setup();
    // Someone else saved meanwhile.
    fake.flows.set('orders', { flow: cleanFlow('orders', 'Theirs'), etag: 'theirs-1' });
    act(() => store.getState().setFlowMeta({ name: 'Mine' }));
    await user.click(toolbar().getByRole('button', { name: 'Save' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Someone else saved this flow' });
    for (const name of ['Reload', 'Overwrite', 'Cancel']) expect(within(dialog).getByRole('button', { name })).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Overwrite' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    const puts = fake.callsTo('PUT', '/api/flows/orders');
    expect(puts.map((p) => p.headers['If-Match'])).toEqual(['"v1"', '"theirs-1"']);
    expect((fake.flows.get('orders')?.flow as FlowDocument).name).toBe('Mine');
    expect(isDirty(registry, store.getState())).toBe(false);
  });

  it('Reload in the conflict dialog loads their version', async () => {
    const user = userEvent.setup();
    const { store, fake } = setup();
    fake.flows.set('orders', { flow: cleanFlow('orders', 'Theirs'), etag: 'theirs-1' });
    act(() => store.getState().setFlowMeta({ name: 'Mine' }));
    await user.click(toolbar().getByRole('button', { name: 'Save' }));
    await user.click(await screen.findByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(store.getState().doc.name).toBe('Theirs'));
    expect(store.getState().etag).toBe('theirs-1');
    expect(isDirty(registry, store.getState())).toBe(false);
  });

  it('other save errors show as a toast', async () => {
    const user = userEvent.setup();
    const { fake } = setup();
    fake.once((c) => (c.method === 'PUT' ? { status: 422, body: { error: 'the flow document is malformed' } } : undefined));
    await user.click(toolbar().getByRole('button', { name: 'Save' }));
    expect((await screen.findByTestId(testIds.toast)).textContent).toContain('the flow document is malformed');
  });

  it('Run refuses when the flow has errors', async () => {
    const user = userEvent.setup();
    const doc: FlowDocument = { format: 1, id: 'orders', nodes: { f: { type: 'core.filter', version: 1, config: {} } } };
    const { fake } = setup(doc);
    const errors = diagnosticsOf(registry, doc).filter((d) => d.severity === 'error').length;
    expect(errors).toBeGreaterThan(1);
    await user.click(toolbar().getByRole('button', { name: 'Run' }));
    expect(screen.getByTestId(testIds.toast).textContent).toContain(`Fix the ${errors} errors first`);
    expect(fake.calls.some((c) => c.method === 'POST')).toBe(false);
    expect(screen.getByTestId(testIds.runState).textContent).toBe('Idle');
  });

  it('Run saves a dirty flow first, then starts it', async () => {
    const user = userEvent.setup();
    const { store, fake } = setup();
    act(() => store.getState().setFlowMeta({ name: 'Run me' }));
    await user.click(toolbar().getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(screen.getByTestId(testIds.runState).textContent).toBe('Running'));
    const order = fake.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
    expect(order).toEqual(['PUT /api/flows/orders', 'POST /api/flows/orders/run']);
    expect(toolbar().getByRole('button', { name: 'Stop' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Run' }).getAttribute('aria-selected')).toBe('true');
  });

  it('Code shows the code view instead of the canvas', async () => {
    const user = userEvent.setup();
    setup();
    const code = toolbar().getByRole('button', { name: 'Code' });
    expect(code.getAttribute('aria-pressed')).toBe('false');
    await user.click(code);
    expect(code.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('code here')).toBeTruthy();
    expect(screen.queryByText('canvas here')).toBeNull();
  });

  it('Import replaces the document as one undo entry, adopting the open id after asking', async () => {
    const user = userEvent.setup();
    const { store } = setup();
    const other = { ...cleanFlow('elsewhere', 'From a file'), nodes: { only: { type: 'core.log', version: 1 } }, edges: [] };
    await user.upload(screen.getByLabelText('Import a flow file into this flow'), new File([JSON.stringify(other)], 'elsewhere.flow.json'));
    const dialog = await screen.findByRole('alertdialog', { name: 'Import into this flow?' });
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(store.getState().doc.id).toBe('orders');
    expect(store.getState().doc.name).toBe('From a file');
    expect(Object.keys(store.getState().doc.nodes)).toEqual(['only']);
    expect(store.temporal.getState().pastStates.length).toBe(1);
  });

  it('shows store notices as a toast', () => {
    const { store } = setup();
    act(() => store.getState().notify('Cannot connect: a sink has no output'));
    expect(screen.getByTestId(testIds.toast).textContent).toContain('Cannot connect: a sink has no output');
    expect(screen.getByTestId(testIds.toast).closest('[role="status"]')).toBeTruthy();
  });

  it('warns before unload only with unsaved changes', () => {
    const { store } = setup();
    const clean = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    act(() => store.getState().setFlowMeta({ name: 'Dirty' }));
    const dirty = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(dirty);
    expect(dirty.defaultPrevented).toBe(true);
  });
});
