import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DesignerProvider } from '../../../../designer/src/context';
import { ProblemsPanel } from '../../../../designer/src/editor/ProblemsPanel';
import { registry } from '../../../../designer/src/registry';
import { createFlowStore, diagnosticsOf } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';
import { testIds } from '../../../../designer/src/testids';
import type { FlowDocument } from '../../../../shared/flow/document';
import { cleanFlow, XSS_NAME } from '../app/fake-api';

afterEach(() => vi.unstubAllGlobals());

function renderPanel(doc: FlowDocument) {
  const store = createFlowStore(registry, doc);
  store.getState().load(doc, 'v1');
  render(
    <DesignerProvider value={{ store, runs: createRunStore(), registry }}>
      <ProblemsPanel />
    </DesignerProvider>,
  );
  return store;
}

const broken: FlowDocument = {
  format: 1,
  id: 'broken',
  nodes: { 'big-orders': { type: 'core.filter', version: 1, label: XSS_NAME, config: {} } },
};

describe('ProblemsPanel', () => {
  it('says so when there are no problems', () => {
    renderPanel(cleanFlow('fine'));
    expect(screen.getByText('No problems')).toBeTruthy();
    expect(screen.queryAllByTestId(testIds.problem)).toHaveLength(0);
  });

  it('lists every diagnostic in the validator order, as text', () => {
    renderPanel(broken);
    const expected = diagnosticsOf(registry, broken);
    const rows = screen.getAllByTestId(testIds.problem);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const d = expected[i]!;
      expect(row.tagName).toBe('BUTTON');
      expect(row.textContent).toContain(d.severity === 'error' ? 'Error' : 'Warning');
      expect(row.textContent).toContain(d.message);
      expect(row.textContent).toContain(d.path);
      expect(row.textContent).toContain(XSS_NAME);
      expect(within(row).getByText('big-orders')).toBeTruthy();
    });
    expect(document.querySelector('img')).toBeNull();
  });

  it('a click selects the node and asks the inspector to focus the field', async () => {
    const user = userEvent.setup();
    const store = renderPanel(broken);
    const row = screen.getAllByTestId(testIds.problem).find((r) => r.textContent?.includes('/config/when'));
    expect(row).toBeTruthy();
    const seq = store.getState().focus.seq;
    await user.click(row!);
    expect(store.getState().selection.nodes).toEqual(['big-orders']);
    expect(store.getState().focus).toEqual({ nodeId: 'big-orders', pointer: '/config/when', seq: seq + 1 });
  });

  it('Enter on a row does the same', async () => {
    const user = userEvent.setup();
    const store = renderPanel(broken);
    screen.getAllByTestId(testIds.problem)[0]!.focus();
    await user.keyboard('{Enter}');
    expect(store.getState().selection.nodes).toEqual(['big-orders']);
  });
});
