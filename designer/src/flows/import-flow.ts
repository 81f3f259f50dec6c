import { FlowDocument } from '../../../shared/flow/document';
import { migrateFlow } from '../../../shared/flow/migrate';
import type { Registry } from '../../../shared/node-kit/registry';
import { validateFlow } from '../../../shared/validate/validate';

export type ParsedFlowFile = { ok: true; doc: FlowDocument } | { ok: false; problems: string[] };

const SHOWN_PROBLEMS = 5;

/**
 * Checks that a file's text is a flow the designer can open: JSON, a known format (migrated to
 * the current one), a well-formed envelope. Node configs may still have problems; those show
 * in the problems panel once it is open. On failure, the first problems in plain words.
 */
export function parseFlowFile(text: string, registry: Registry): ParsedFlowFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, problems: [`The file is not valid JSON: ${(err as Error).message}`] };
  }
  return checkFlow(raw, registry);
}

/** As parseFlowFile, for a value already parsed (a flow the server sent). */
export function checkFlow(raw: unknown, registry: Registry): ParsedFlowFile {
  let migrated: Record<string, unknown>;
  try {
    migrated = migrateFlow(raw).doc;
  } catch (err) {
    return { ok: false, problems: [`This is not a flow file: ${(err as Error).message}`] };
  }
  const parsed = FlowDocument.safeParse(migrated);
  if (parsed.success) return { ok: true, doc: parsed.data };
  const problems = validateFlow(raw, registry)
    .filter((d) => d.severity === 'error')
    .slice(0, SHOWN_PROBLEMS)
    .map((d) => [d.nodeId, d.path].filter(Boolean).join(' ') + (d.nodeId || d.path ? ': ' : '') + d.message);
  if (problems.length === 0) {
    for (const issue of parsed.error.issues.slice(0, SHOWN_PROBLEMS)) problems.push(`/${issue.path.join('/')}: ${issue.message}`);
  }
  return { ok: false, problems };
}

/** A picked file's text (File.text() where the browser has it). */
export function readFileText(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsText(file);
  });
}
