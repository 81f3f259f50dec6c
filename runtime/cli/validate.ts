import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from '../../shared/node-kit/registry';
import { formatDiagnostic, hasErrors, validateFlowText, type Diagnostic } from '../../shared/validate';
import type { CliIO } from './io';

interface FileDiagnostic extends Diagnostic {
  file: string;
}

/**
 * `sluice validate`: one line per problem (warnings marked `warning:` so errors stand out),
 * nothing for clean files; exit 1 when any error was found. A file that cannot be read or is not
 * JSON is a problem of that file, not a crash.
 */
export async function validateCommand(args: string[], options: { json: boolean }, registry: Registry, io: CliIO): Promise<number> {
  const found: FileDiagnostic[] = [];
  for (const file of await expand(args)) {
    for (const d of await validateFile(file, registry)) found.push({ file, ...d });
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(found.map(({ file, severity, code, nodeId, path, message }) => ({ file, severity, code, nodeId, path, message })), null, 2)}\n`);
  } else {
    for (const { file, ...d } of found) {
      io.stdout(`${formatDiagnostic(file, d.severity === 'warning' ? { ...d, message: `warning: ${d.message}` } : d)}\n`);
    }
  }
  return hasErrors(found) ? 1 : 0;
}

async function validateFile(file: string, registry: Registry): Promise<Diagnostic[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return [{ severity: 'error', code: 'unreadable-file', path: '', message: `cannot read the file: ${readError(err)}` }];
  }
  return validateFlowText(text, registry, { fileName: file });
}

/** Directories stand for the *.flow.json files directly inside them. */
async function expand(args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(arg);
      continue;
    }
    const names = (await readdir(arg)).filter((n) => n.endsWith('.flow.json')).sort();
    files.push(...names.map((n) => join(arg, n)));
  }
  return files;
}

function readError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (err as Error).message;
  }
}
