import type { Diagnostic } from '../../../shared/validate/diagnostic';
import { position } from '../expr/cel-markers';
import type { HostMarker } from '../monaco/MonacoHost';
import { locatePointer, pointerSegment, scanJson } from './json-locate';

/** A validator diagnostic placed in the flow's text, when its path could be found there. */
export interface PlacedDiagnostic {
  diagnostic: Diagnostic;
  /** Document pointer of the diagnostic: `/nodes/<id>/config/when`, `/edges/2/to`. */
  pointer: string;
  marker?: HostMarker;
}

/** The diagnostic's path as a pointer into the whole document. */
export function documentPointer(d: Diagnostic): string {
  const path = d.path && !d.path.startsWith('/') ? `/${d.path}` : d.path;
  return d.nodeId === undefined ? path : `/nodes/${pointerSegment(d.nodeId)}${path}`;
}

/**
 * Places diagnostics on the text: on the value their path names, or, when that is missing (a
 * required field left out), on the name of the closest enclosing member. Only the first line of a
 * long value is underlined, so a problem with a whole node does not paint the node red.
 */
export function placeDiagnostics(text: string, diagnostics: readonly Diagnostic[]): PlacedDiagnostic[] {
  const scan = scanJson(text);
  return diagnostics.map((diagnostic) => {
    const pointer = documentPointer(diagnostic);
    if (!scan.ok) return { diagnostic, pointer };
    const found = locatePointer(scan.spans, pointer);
    if (!found) return { diagnostic, pointer };
    const { span } = found;
    const exact = found.pointer === pointer;
    let start = span.start;
    let end = span.end;
    if ((!exact || end - start > 200) && span.keyStart !== undefined && span.keyEnd !== undefined) {
      start = span.keyStart;
      end = span.keyEnd;
    }
    const newline = text.indexOf('\n', start);
    if (newline >= 0 && newline < end) end = newline;
    if (end <= start) end = Math.min(text.length, start + 1);
    const from = position(text, start);
    const to = position(text, end);
    return {
      diagnostic,
      pointer,
      marker: {
        severity: diagnostic.severity,
        message: diagnostic.message,
        startLineNumber: from.line,
        startColumn: from.column,
        endLineNumber: to.line,
        endColumn: to.column,
      },
    };
  });
}
