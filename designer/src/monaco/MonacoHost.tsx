import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import type { editor } from 'monaco-editor/editor/editor.api';
import { offsetOf } from '../expr/cel-markers';
import { useMonaco, type Monaco } from './load';
import './monaco.css';

/**
 * One text editor: a plain `<textarea>` at once, swapped for Monaco when Monaco has loaded (it
 * never loads in jsdom). Both behave the same to the caller: same value, same label, `onChange`
 * on every edit. Tab always leaves the editor (`tabFocusMode`), so keyboard users are never
 * trapped.
 */

export interface HostMarker {
  severity: 'error' | 'warning';
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** What a parent can ask of the editor beyond its value. */
export interface EditorHandle {
  /** Puts the caret at a 1-based line and column and focuses the editor. */
  reveal(line: number, column: number): void;
}

export interface MonacoHostProps {
  value: string;
  onChange(value: string): void;
  language: 'cel' | 'json' | 'plaintext';
  label: string;
  inputId?: string;
  /**
   * The model's file name (`big-orders/when.cel`, `orders.flow.json`); the ending decides which
   * JSON Schema applies. Made unique per editor, so two editors never share a model.
   */
  path: string;
  /** One-line look for expressions: no line numbers, no folding, word wrap. */
  compact?: boolean;
  /** Grows with the text between these line counts. */
  autoHeight?: { minLines: number; maxLines: number };
  /** Fixed height in pixels (ignored with autoHeight). */
  height?: number;
  /** Fills its parent's height instead (the parent decides, e.g. a flex column). */
  fill?: boolean;
  /** Rows of the plain text area before Monaco loads. */
  rows?: number;
  markers?: readonly HostMarker[];
  /** Who owns `markers` (Monaco keeps one list per owner). */
  markerOwner?: string;
  invalid?: boolean;
  describedBy?: string;
  className?: string;
  /** Data attributes for end-to-end tests, on the outer element. */
  dataAttributes?: Record<`data-${string}`, string>;
  /** Called with the model's URI once Monaco made one; the returned function runs when it goes. */
  onModel?(uri: string): (() => void) | void;
  handle?: Ref<EditorHandle>;
}

let modelCounter = 0;

export function MonacoHost(props: MonacoHostProps) {
  const monaco = useMonaco();
  const latest = useRef(props);
  latest.current = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | undefined>(undefined);
  const external = useRef(false);
  // Where the caret was in the text area when Monaco arrived, so the swap keeps focus and place.
  const fallback = useRef({ focused: false, offset: 0 });

  useEffect(() => {
    const host = hostRef.current;
    if (!monaco || !host) return;
    const p = latest.current;
    const uri = monaco.Uri.from({ scheme: 'inmemory', authority: 'sluice', path: `/${++modelCounter}/${p.path}` });
    const model = monaco.editor.createModel(p.value, p.language, uri);
    const ed = monaco.editor.create(host, { ...baseOptions(p), model });
    editorRef.current = ed;
    const unbind = p.onModel?.(uri.toString());
    labelInput(ed, p);

    const subscriptions = [
      model.onDidChangeContent(() => {
        if (!external.current) latest.current.onChange(model.getValue());
      }),
    ];
    if (p.autoHeight) {
      const { minLines, maxLines } = p.autoHeight;
      const fit = () => {
        const lineHeight = ed.getOption(monaco.editor.EditorOption.lineHeight);
        const padding = 8;
        const height = Math.min(maxLines * lineHeight + padding, Math.max(minLines * lineHeight + padding, ed.getContentHeight()));
        host.style.height = `${height}px`;
        ed.layout({ width: host.clientWidth, height });
      };
      subscriptions.push(ed.onDidContentSizeChange(fit));
      fit();
    }
    if (fallback.current.focused) {
      ed.setPosition(model.getPositionAt(fallback.current.offset));
      ed.focus();
    }
    return () => {
      for (const s of subscriptions) s.dispose();
      if (typeof unbind === 'function') unbind();
      editorRef.current = undefined;
      ed.dispose();
      model.dispose();
    };
  }, [monaco]);

  // Changes from outside (undo, the canvas) reach the editor as one small edit, so the caret
  // stays where it was; equal text is left alone entirely.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || model.getValue() === props.value) return;
    const ed = editorRef.current!;
    const current = model.getValue();
    const next = props.value;
    let start = 0;
    while (start < current.length && start < next.length && current[start] === next[start]) start++;
    let end = 0;
    while (end < current.length - start && end < next.length - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
    const from = model.getPositionAt(start);
    const to = model.getPositionAt(current.length - end);
    external.current = true;
    try {
      ed.executeEdits('sluice', [{ range: { startLineNumber: from.lineNumber, startColumn: from.column, endLineNumber: to.lineNumber, endColumn: to.column }, text: next.slice(start, next.length - end) }]);
    } finally {
      external.current = false;
    }
  }, [props.value, monaco]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(model, props.markerOwner ?? 'sluice', (props.markers ?? []).map((m) => toMarker(monaco, m)));
  }, [monaco, props.markers, props.markerOwner]);

  useEffect(() => {
    const ed = editorRef.current;
    if (ed) labelInput(ed, props);
  }, [props.label, props.inputId, props.invalid, props.describedBy, monaco]);

  useImperativeHandle(
    props.handle,
    () => ({
      reveal(line, column) {
        const ed = editorRef.current;
        if (ed) {
          ed.setPosition({ lineNumber: line, column });
          ed.revealPositionInCenter({ lineNumber: line, column });
          ed.focus();
          return;
        }
        const ta = textareaRef.current;
        if (!ta) return;
        const offset = offsetOf(ta.value, line, column);
        ta.focus();
        ta.setSelectionRange(offset, offset);
      },
    }),
    [],
  );

  const { dataAttributes } = props;
  if (monaco && textareaRef.current) {
    // About to swap the text area out: remember whether it had the caret, and where.
    const ta = textareaRef.current;
    fallback.current = { focused: document.activeElement === ta, offset: ta.selectionStart ?? 0 };
  }
  if (monaco) {
    const style = props.autoHeight ? undefined : { height: props.fill ? '100%' : `${props.height ?? 240}px` };
    return (
      <div {...dataAttributes} className={frameClass(props)}>
        <div ref={hostRef} className="monaco-host" style={style} />
      </div>
    );
  }
  return (
    <div {...dataAttributes} className={frameClass(props)}>
      <textarea
        ref={textareaRef}
        id={props.inputId}
        className="monaco-fallback"
        aria-label={props.label}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.describedBy}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        rows={props.rows ?? (props.autoHeight ? Math.min(props.autoHeight.maxLines, Math.max(props.autoHeight.minLines, props.value.split('\n').length)) : 10)}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap={props.compact ? 'soft' : 'off'}
        style={props.fill ? { height: '100%', resize: 'none' } : props.autoHeight || !props.height ? undefined : { height: `${props.height}px` }}
      />
    </div>
  );
}

function frameClass(p: MonacoHostProps): string {
  return ['monaco-frame', p.compact && 'monaco-compact', p.fill && 'monaco-fill', p.invalid && 'monaco-invalid', p.className].filter(Boolean).join(' ');
}

function baseOptions(p: MonacoHostProps): editor.IStandaloneEditorConstructionOptions {
  const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim();
  const common: editor.IStandaloneEditorConstructionOptions = {
    ariaLabel: p.label,
    // Tab moves on to the next control instead of typing a tab: nobody gets stuck in here.
    tabFocusMode: true,
    // A real text area underneath: screen readers, `<label for>` and test tools all know it.
    editContext: false,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fixedOverflowWidgets: true,
    fontSize: 13,
    ...(mono ? { fontFamily: mono } : {}),
    theme: 'vs',
  };
  if (!p.compact) return { ...common, tabSize: 2, wordWrap: 'off' };
  return {
    ...common,
    lineNumbers: 'off',
    folding: false,
    glyphMargin: false,
    lineDecorationsWidth: 6,
    lineNumbersMinChars: 0,
    wordWrap: 'on',
    wrappingIndent: 'none',
    overviewRulerLanes: 0,
    overviewRulerBorder: false,
    hideCursorInOverviewRuler: true,
    renderLineHighlight: 'none',
    occurrencesHighlight: 'off',
    wordBasedSuggestions: 'off',
    quickSuggestions: { other: true, comments: false, strings: false },
    padding: { top: 4, bottom: 4 },
    scrollbar: { vertical: 'auto', horizontal: 'hidden', alwaysConsumeMouseWheel: false, verticalScrollbarSize: 8 },
  };
}

/** Gives Monaco's own text area the id and states a `<label for>` and screen readers expect. */
function labelInput(ed: editor.IStandaloneCodeEditor, p: Pick<MonacoHostProps, 'label' | 'inputId' | 'invalid' | 'describedBy'>) {
  ed.updateOptions({ ariaLabel: p.label });
  const input = ed.getDomNode()?.querySelector('textarea');
  if (!input) return;
  if (p.inputId) input.id = p.inputId;
  else input.removeAttribute('id');
  if (p.invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (p.describedBy) input.setAttribute('aria-describedby', p.describedBy);
  else input.removeAttribute('aria-describedby');
}

function toMarker(monaco: Monaco, m: HostMarker): editor.IMarkerData {
  return { ...m, severity: m.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error };
}
