import { NodeResizer, type NodeProps, type ResizeParams } from '@xyflow/react';
import { memo, useCallback, useRef, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { useDesigner } from '../context';
import type { NoteCanvasNode } from './derive';
import { useCanvasUi } from './ui-store';
import './canvas.css';

/**
 * A sticky note: plain text, edited in place (double-click, or Enter when focused), resizable
 * when selected. Notes live in the document's layout block and never affect the flow.
 */
function NoteNodeView({ data, selected }: NodeProps<NoteCanvasNode>) {
  const { store } = useDesigner();
  const ui = useCanvasUi();
  const { noteId, note } = data;
  const editing = useStore(ui, (s) => s.editingNote === noteId);
  const cancelled = useRef(false);

  const current = useCallback(() => store.getState().doc.layout?.notes?.[noteId], [store, noteId]);

  const onResizeEnd = useCallback(
    (_: unknown, p: ResizeParams) => {
      const now = current();
      if (!now) return;
      store.getState().setNote(noteId, { ...now, x: Math.round(p.x), y: Math.round(p.y), width: Math.round(p.width), height: Math.round(p.height) });
    },
    [store, noteId, current],
  );

  const finish = (text: string) => {
    ui.getState().set({ editingNote: undefined });
    const now = current();
    if (now && now.text !== text) store.getState().setNote(noteId, { ...now, text });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancelled.current = true;
      const wrapper = e.currentTarget.closest<HTMLElement>('.react-flow__node');
      ui.getState().set({ editingNote: undefined });
      wrapper?.focus();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.currentTarget.blur();
    }
  };

  return (
    <>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={60} onResizeEnd={onResizeEnd} />
      <div className="canvas-note" onDoubleClick={() => ui.getState().set({ editingNote: noteId })}>
        {editing ? (
          <textarea
            className="canvas-note-input nodrag nowheel nopan"
            aria-label="Note text"
            defaultValue={note.text}
            autoFocus
            onFocus={(e) => {
              cancelled.current = false;
              // Typing replaces the text, as when renaming; arrow keys keep it.
              e.currentTarget.select();
            }}
            onBlur={(e) => {
              if (!cancelled.current) finish(e.currentTarget.value);
            }}
            onKeyDown={onKeyDown}
          />
        ) : (
          <div className="canvas-note-text" title="Double-click or press Enter to edit">
            {note.text || 'Empty note'}
          </div>
        )}
      </div>
    </>
  );
}

export const NoteNode = memo(NoteNodeView);
