import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APPLY_DELAY_MS, CodeView } from '../../../../designer/src/code/CodeView';
import { registry } from '../../../../designer/src/registry';
import { canonicalText } from '../../../../designer/src/store/flow-store';
import { renderInDesigner } from '../monaco/harness';

const editor = () => screen.getByRole('textbox', { name: 'Flow file (JSON)' }) as HTMLTextAreaElement;
const type = (text: string) => fireEvent.change(editor(), { target: { value: text } });
const pause = () => act(() => vi.advanceTimersByTime(APPLY_DELAY_MS));

describe('CodeView (text area before Monaco)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the flow as its canonical file text', () => {
    const { store } = renderInDesigner(<CodeView />);
    expect(editor().value).toBe(canonicalText(registry, store.getState().doc));
    expect(editor().closest('[data-code-editor]')).not.toBeNull();
  });

  it('applies a valid edit to the flow as one undo step, after a pause in typing', () => {
    const { store } = renderInDesigner(<CodeView />);
    const before = store.getState().doc;
    const history = () => store.temporal.getState().pastStates.length;
    const steps = history();
    const text = editor().value;
    type(text.replace('"Total over 1000"', '"Total over 2'));
    type(text.replace('"Total over 1000"', '"Total over 20'));
    type(text.replace('"Total over 1000"', '"Total over 2000"'));
    // Nothing is applied while typing goes on.
    expect(store.getState().doc).toBe(before);
    pause();
    expect(store.getState().doc.nodes['big-orders']?.label).toBe('Total over 2000');
    expect(history()).toBe(steps + 1);

    act(() => store.temporal.getState().undo());
    expect(store.getState().doc.nodes['big-orders']?.label).toBe('Total over 1000');
    // With no edits of its own pending, the text follows the undo.
    expect(editor().value).toContain('"Total over 1000"');
  });

  it('does not apply text that is not valid JSON, and says where', () => {
    const { store } = renderInDesigner(<CodeView />);
    const before = store.getState().doc;
    type(editor().value.replace('"format": 1,', '"format": 1'));
    pause();
    expect(store.getState().doc).toBe(before);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/Not applied: This is not valid JSON/);
    expect(alert.textContent).toContain('line 3, column 3');
    expect(editor().getAttribute('aria-invalid')).toBe('true');
  });

  it('does not apply a document of the wrong shape or with another id', () => {
    const { store } = renderInDesigner(<CodeView />);
    const before = store.getState().doc;
    const text = editor().value;
    type(text.replace('"type": "core.filter"', '"type": 42'));
    pause();
    expect(store.getState().doc).toBe(before);
    expect(screen.getByRole('alert').textContent).toContain('/nodes/big-orders/type');

    type(text.replace('"id": "orders-by-region"', '"id": "orders-elsewhere"'));
    pause();
    expect(store.getState().doc).toBe(before);
    expect(screen.getByRole('alert').textContent).toMatch(/id cannot be changed/);

    // Putting it right applies and clears the message.
    type(text.replace('"Total over 1000"', '"Big ones"'));
    pause();
    expect(store.getState().doc.nodes['big-orders']?.label).toBe('Big ones');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('follows changes made elsewhere, unless it holds edits of its own', () => {
    const { store } = renderInDesigner(<CodeView />);
    act(() => store.getState().setNodeLabel('eu-log', 'Europe log'));
    expect(editor().value).toContain('"Europe log"');

    type(editor().value.replace('"format": 1,', '"format": 1'));
    pause();
    act(() => store.getState().setNodeLabel('eu-log', 'EU log'));
    expect(editor().value).not.toContain('"EU log"');
    fireEvent.click(screen.getByRole('button', { name: 'Discard my edits and show the current flow' }));
    expect(editor().value).toBe(canonicalText(registry, store.getState().doc));
  });

  it('lists the validator problems with the line they are on', () => {
    const { store } = renderInDesigner(<CodeView />);
    act(() => store.getState().setNodeConfig('big-orders', { when: 'totl > 1' }));
    const problems = screen.getByRole('region', { name: 'Problems in this flow' });
    const item = [...problems.querySelectorAll('li')].find((li) => li.textContent?.includes('totl'));
    expect(item).toBeDefined();
    const line = editor().value.split('\n').findIndex((l) => l.includes('"when": "totl > 1"')) + 1;
    expect(item!.textContent).toContain(`line ${line}`);
    expect(item!.textContent).toContain('big-orders /config/when');
  });
});
