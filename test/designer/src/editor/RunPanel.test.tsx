import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DesignerProvider } from '../../../../designer/src/context';
import { RunPanel } from '../../../../designer/src/editor/RunPanel';
import { registry } from '../../../../designer/src/registry';
import { createFlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';
import { cleanFlow, installFakeApi, XSS_NAME } from '../app/fake-api';

afterEach(() => vi.unstubAllGlobals());

function renderPanel() {
  const doc = cleanFlow('orders', 'Orders');
  const fake = installFakeApi([doc]);
  const store = createFlowStore(registry, doc);
  store.getState().load(doc, fake.etagOf('orders'));
  const runs = createRunStore();
  const view = () => (
    <DesignerProvider value={{ store, runs, registry }}>
      <RunPanel />
    </DesignerProvider>
  );
  return { fake, runs, view };
}

const counts = (n: number) => ({ in: n, out: n, dropped: 0, errors: 0 });

describe('RunPanel', () => {
  it('shows the last output and log lines of the run as text', async () => {
    const { fake, view } = renderPanel();
    fake.runStatus = { state: 'completed', output: ['{"id":1}', XSS_NAME], logs: [{ level: 'info', msg: 'flow ended', fields: { outcome: 'completed' } }] };
    render(view());
    expect(await screen.findByText(/\{"id":1\}/)).toBeTruthy();
    expect(screen.getByText(/INFO flow ended \{"outcome":"completed"\}/)).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
    expect(fake.callsTo('GET', '/api/flows/orders/run').length).toBeGreaterThan(0);
  });

  it('shows the state, the error and per-node counts with node labels', async () => {
    const { runs, view } = renderPanel();
    render(view());
    expect(screen.getByText(/No counts yet/)).toBeTruthy();
    act(() => runs.setState({ flowId: 'orders', state: 'failed', error: 'the broker went away', counters: { gen: counts(5), out: counts(4) } }));
    expect(screen.getByText('the broker went away')).toBeTruthy();
    expect(screen.getByText(/State:/).parentElement?.textContent).toContain('Failed');
    const table = screen.getByRole('table');
    const row = within(table).getByRole('rowheader', { name: /Orders/ }).closest('tr')!;
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['5', '5', '0', '0']);
    expect(within(table).getByRole('rowheader', { name: /Log/ })).toBeTruthy();
  });

  it('adopts a run that is already going on the server, so it can be stopped', async () => {
    const { fake, runs, view } = renderPanel();
    fake.runStatus = { state: 'running', output: [], logs: [], counters: { nodes: { gen: counts(7) }, sources: {} } };
    render(view());
    await waitFor(() => expect(runs.getState().state).toBe('running'));
    expect(runs.getState().flowId).toBe('orders');
    expect(runs.getState().counters.gen?.in).toBe(7);
  });
});
