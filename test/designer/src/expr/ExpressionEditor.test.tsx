import { act, fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ExpressionEditor } from '../../../../designer/src/expr/ExpressionEditor';
import { renderInDesigner } from '../monaco/harness';

function Controlled(props: { initial: string; onChange?: (v: string) => void }) {
  const [value, setValue] = useState(props.initial);
  return (
    <>
      <label htmlFor="when-input">Condition</label>
      <ExpressionEditor
        nodeId="big-orders"
        pointer="/config/when"
        value={value}
        onChange={(v) => {
          setValue(v);
          props.onChange?.(v);
        }}
        resultType="bool"
        label="Condition"
        inputId="when-input"
      />
    </>
  );
}

describe('ExpressionEditor (text area before Monaco)', () => {
  it('shows the type error of `totl > 1` against the generator upstream, with line and column', () => {
    renderInDesigner(<Controlled initial="totl > 1" />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/unknown field "totl", did you mean "total"/i);
    expect(alert.textContent).toContain('line 1, column 1');
    const input = screen.getByLabelText('Condition');
    expect(input.tagName).toBe('TEXTAREA');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(alert.id);
    expect(input.id).toBe('when-input');
    expect(input.closest('[data-expr-editor]')?.getAttribute('data-expr-editor')).toBe('/config/when');
  });

  it('reports on every edit and clears when the expression is right', () => {
    const onChange = vi.fn();
    renderInDesigner(<Controlled initial="total > 1000.0" onChange={onChange} />);
    expect(screen.queryByRole('alert')).toBeNull();
    const input = screen.getByLabelText('Condition');
    fireEvent.change(input, { target: { value: 'total > 1000.0 &&\n  region == 5' } });
    expect(onChange).toHaveBeenLastCalledWith('total > 1000.0 &&\n  region == 5');
    expect(screen.getByRole('alert').textContent).toContain('line 2');
    fireEvent.change(input, { target: { value: 'total > 1000.0 && region == "eu"' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });

  it('says when a condition does not give true or false', () => {
    renderInDesigner(<Controlled initial="total + 1.0" />);
    expect(screen.getByRole('alert').textContent).toMatch(/true or false/);
  });

  it('checks again when the records arriving at the node change', () => {
    const { store } = renderInDesigner(<Controlled initial="totl > 1" />);
    expect(screen.getByRole('alert')).toBeTruthy();
    const generator = store.getState().doc.nodes.orders!;
    const template = { ...(generator.config!.template as Record<string, unknown>), totl: '{{int 1 5}}' };
    act(() => store.getState().setNodeConfig('orders', { ...generator.config, template }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('ExpressionEditor inside a form that shows the message itself', () => {
  it('marks the field invalid and points at the form message, without spelling it out twice', () => {
    renderInDesigner(
      <>
        <p id="form-error">unknown field "totl"</p>
        <ExpressionEditor nodeId="big-orders" pointer="/config/when" value="totl > 1" onChange={() => {}} resultType="bool" label="Condition" inputId="w" showMessage={false} describedBy="form-error" />
      </>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    const input = screen.getByLabelText('Condition');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('form-error');
  });
});
