import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { CodeEditor } from '../../../../designer/src/code/CodeEditor';

describe('CodeEditor (text area before Monaco)', () => {
  it('edits its value under its label, with a hook for end-to-end tests', () => {
    const onChange = vi.fn();
    render(
      <>
        <label htmlFor="tpl">Template</label>
        <CodeEditor value={'{"a": 1}'} onChange={onChange} language="json" label="Template" inputId="tpl" />
      </>,
    );
    const input = screen.getByLabelText('Template') as HTMLTextAreaElement;
    expect(input.value).toBe('{"a": 1}');
    expect(input.closest('[data-code-editor]')?.getAttribute('data-code-editor')).toBe('Template');
    fireEvent.change(input, { target: { value: '{"a": 2}' } });
    expect(onChange).toHaveBeenCalledWith('{"a": 2}');
  });

  it('follows a new value from outside', () => {
    const { rerender } = render(<CodeEditor value="one" onChange={vi.fn()} language="text" label="Notes" />);
    rerender(<CodeEditor value="two" onChange={vi.fn()} language="text" label="Notes" />);
    expect((screen.getByRole('textbox', { name: 'Notes' }) as HTMLTextAreaElement).value).toBe('two');
  });
});
