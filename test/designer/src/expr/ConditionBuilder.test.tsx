import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { checkExpression } from '../../../../shared/expr/cel';
import { ConditionBuilder } from '../../../../designer/src/expr/ConditionBuilder';
import { registry } from '../../../../designer/src/registry';
import { inputSchemaAt } from '../../../../designer/src/schema/fields-at';
import { exampleFlow, renderInDesigner } from '../monaco/harness';

function Controlled(props: { initial: string; onChange: (v: string) => void }) {
  const [value, setValue] = useState(props.initial);
  return (
    <ConditionBuilder
      nodeId="big-orders"
      value={value}
      onChange={(v) => {
        setValue(v);
        props.onChange(v);
      }}
    />
  );
}

const field = (n: number) => screen.getByRole('combobox', { name: `Field of condition ${n}` }) as HTMLSelectElement;
const comparison = (n: number) => screen.getByRole('combobox', { name: `Comparison of condition ${n}` }) as HTMLSelectElement;
const valueBox = (n: number) => screen.getByRole('textbox', { name: `Value of condition ${n}` }) as HTMLInputElement;
const schema = inputSchemaAt(registry, exampleFlow(), 'big-orders');

describe('ConditionBuilder', () => {
  it('shows the rows of a condition it can read', () => {
    renderInDesigner(<Controlled initial="total > 1000.0" onChange={vi.fn()} />);
    expect(field(1).value).toBe('total');
    expect(comparison(1).value).toBe('gt');
    expect(valueBox(1).value).toBe('1000.0');
    // Only scalar fields are offered: not the customer record nor the items list.
    const options = [...field(1).options].map((o) => o.value);
    expect(options).toEqual(expect.arrayContaining(['total', 'region', 'customer.country']));
    expect(options).not.toContain('customer');
    expect(options).not.toContain('items');
  });

  it('writes CEL that type-checks as rows are edited, added and removed', () => {
    const onChange = vi.fn();
    renderInDesigner(<Controlled initial="total > 1000.0" onChange={onChange} />);
    fireEvent.change(valueBox(1), { target: { value: '2000' } });
    expect(onChange).toHaveBeenLastCalledWith('total > 2000.0');

    fireEvent.click(screen.getByRole('button', { name: 'Add condition' }));
    // A new, empty row is not written until it is complete.
    expect(onChange).toHaveBeenCalledTimes(1);
    fireEvent.change(field(2), { target: { value: 'region' } });
    fireEvent.change(valueBox(2), { target: { value: 'e"u' } });
    expect(onChange).toHaveBeenLastCalledWith('total > 2000.0 && region == "e\\"u"');

    fireEvent.change(screen.getByRole('combobox', { name: 'Match' }), { target: { value: 'any' } });
    expect(onChange).toHaveBeenLastCalledWith('total > 2000.0 || region == "e\\"u"');

    fireEvent.change(comparison(2), { target: { value: 'in' } });
    fireEvent.change(valueBox(2), { target: { value: 'eu, us' } });
    expect(onChange).toHaveBeenLastCalledWith('total > 2000.0 || region in ["eu", "us"]');

    fireEvent.click(screen.getByRole('button', { name: 'Remove condition 1' }));
    expect(onChange).toHaveBeenLastCalledWith('region in ["eu", "us"]');

    for (const [cel] of onChange.mock.calls as [string][]) expect(checkExpression(cel, schema, { resultType: 'bool' }), cel).toEqual([]);
  });

  it('does not write a value that does not fit the field, and says why', () => {
    const onChange = vi.fn();
    renderInDesigner(<Controlled initial="total > 1000.0" onChange={onChange} />);
    fireEvent.change(valueBox(1), { target: { value: 'lots' } });
    expect(onChange).not.toHaveBeenCalled();
    expect(valueBox(1).getAttribute('aria-invalid')).toBe('true');
    const hint = document.getElementById(valueBox(1).getAttribute('aria-describedby')!);
    expect(hint?.textContent).toMatch(/not a number/);
  });

  it('offers only comparisons that fit the field type', () => {
    renderInDesigner(<Controlled initial="total > 1000.0" onChange={vi.fn()} />);
    const ops = [...comparison(1).options].map((o) => o.textContent);
    expect(ops).toEqual(['is', 'is not', '>', '>=', '<', '<=', 'is one of', 'is set']);
    fireEvent.change(field(1), { target: { value: 'region' } });
    expect([...comparison(1).options].map((o) => o.textContent)).toContain('starts with');
  });

  it('leaves an expression it cannot show alone, and says so', () => {
    const onChange = vi.fn();
    renderInDesigner(<Controlled initial="items.exists(i, i.qty > 2)" onChange={onChange} />);
    expect(screen.getByText('This condition uses the full expression language; edit it below.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add condition' })).toBeNull();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('starts an empty condition with one row to fill in', () => {
    const onChange = vi.fn();
    renderInDesigner(<Controlled initial="" onChange={onChange} />);
    expect(field(1).value).toBe('');
    fireEvent.change(field(1), { target: { value: 'customer.country' } });
    fireEvent.change(comparison(1), { target: { value: 'set' } });
    expect(onChange).toHaveBeenLastCalledWith('customer.country != null');
  });
});
