import type { ExprIssue } from '../../../shared/expr/cel';
import { lineColumn } from '../../../shared/expr/messages';

/** A squiggle in the editor: 1-based lines and columns, end exclusive, as Monaco's markers count. */
export interface CelMarker {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
}

/**
 * Editor ranges for the checker's issues. The span comes from the issue's offset and length when
 * it has them, otherwise one character at its line and column. A problem at the very end ("the
 * expression stops too early") underlines the last character, so there is something to see.
 */
export function celMarkers(source: string, issues: readonly ExprIssue[]): CelMarker[] {
  return issues.map((issue) => {
    let start: number;
    let length: number;
    if (issue.offset !== undefined) {
      start = issue.offset;
      length = Math.max(1, issue.length ?? 1);
    } else {
      start = offsetOf(source, issue.line, issue.column);
      length = 1;
    }
    start = Math.max(0, Math.min(start, source.length));
    if (start === source.length && start > 0) start--;
    const end = Math.min(source.length, start + length);
    const from = position(source, start);
    const to = position(source, Math.max(end, start + (source.length === 0 ? 0 : 1)));
    return { startLineNumber: from.line, startColumn: from.column, endLineNumber: to.line, endColumn: to.column, message: issue.message };
  });
}

/** 1-based line and column of a 0-based offset (UTF-16 columns, as Monaco counts): the validator's own. */
export const position = lineColumn;

/** 0-based offset of a 1-based line and column, clamped to the text. */
export function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', offset);
    if (nl < 0) return source.length;
    offset = nl + 1;
  }
  const lineEnd = source.indexOf('\n', offset);
  return Math.min(offset + Math.max(0, column - 1), lineEnd < 0 ? source.length : lineEnd);
}
