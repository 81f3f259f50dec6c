import type { ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import type { NodeDefinition } from '../../../shared/node-kit/define';

type Block = { kind: 'text'; text: string } | { kind: 'table'; head: string[]; rows: string[][] };

const ROW = /^\s*\|.*\|\s*$/;
const SEPARATOR = /^\s*\|(\s*:?-+:?\s*\|)+\s*$/;

function cells(line: string): string[] {
  return line
    .trim()
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim());
}

/**
 * Splits Markdown into text and pipe tables. Plain react-markdown does not know GitHub's tables
 * (that takes remark-gfm, which is not a dependency), and node docs use them for option tables.
 */
export function splitTables(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  let text: string[] = [];
  const flush = () => {
    if (text.some((l) => l.trim() !== '')) out.push({ kind: 'text', text: text.join('\n') });
    text = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const next = lines[i + 1];
    if (ROW.test(line) && next !== undefined && SEPARATOR.test(next)) {
      flush();
      const rows: string[][] = [];
      let j = i + 2;
      for (; j < lines.length && ROW.test(lines[j] as string); j++) rows.push(cells(lines[j] as string));
      out.push({ kind: 'table', head: cells(line), rows });
      i = j - 1;
    } else {
      text.push(line);
    }
  }
  flush();
  return out;
}

/** Links open in a new tab, so following one never leaves a flow with unsaved changes. */
function Link({ href, children }: { href?: string; children?: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  );
}

const BLOCK: Components = { a: Link };
const INLINE: Components = { a: Link, p: ({ children }) => <>{children}</> };

/** Markdown only: raw HTML in it is dropped, never rendered. */
function Md({ children, inline = false }: { children: string; inline?: boolean }) {
  return (
    <Markdown skipHtml components={inline ? INLINE : BLOCK}>
      {children}
    </Markdown>
  );
}

/** The node type's documentation, from its Markdown `docs`. */
export function NodeDocs({ def }: { def: NodeDefinition }) {
  return (
    <details className="inspector-docs" open>
      <summary>About {def.title}</summary>
      <div className="inspector-markdown">
        {splitTables(def.docs).map((b, i) =>
          b.kind === 'text' ? (
            <Md key={i}>{b.text}</Md>
          ) : (
            <table key={i}>
              <thead>
                <tr>
                  {b.head.map((h, k) => (
                    <th key={k}>
                      <Md inline>{h}</Md>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r, k) => (
                  <tr key={k}>
                    {r.map((c, m) => (
                      <td key={m}>
                        <Md inline>{c}</Md>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          ),
        )}
      </div>
    </details>
  );
}
