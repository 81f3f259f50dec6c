import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parsePolicyText, type Policy } from '../../shared/governance/policy';
import type { Registry } from '../../shared/node-kit/registry';
import { formatDiagnostic, hasErrors, validateFlowText, type Diagnostic } from '../../shared/validate';
import type { CliIO } from './io';

interface FileDiagnostic extends Diagnostic {
  file: string;
}

export interface ValidateCommandOptions {
  json: boolean;
  /** The governance policy file; by default the nearest `governance.policy.json` (see `findPolicy`). */
  policy?: string;
}

/** The file name a governance policy is found under, beside the flows or in a folder above them. */
export const POLICY_FILE_NAME = 'governance.policy.json';

/**
 * `sluice validate`: one line per problem (warnings marked `warning:` so errors stand out),
 * nothing for clean files; exit 1 when any error was found. A file that cannot be read or is not
 * JSON is a problem of that file, not a crash. Each flow is checked against the governance
 * policy given, else the nearest `governance.policy.json` in its folder or a folder above, else
 * the default policy; a policy file with problems is reported like a flow file (and the flows
 * are then checked against the default policy).
 */
export async function validateCommand(args: string[], options: ValidateCommandOptions, registry: Registry, io: CliIO): Promise<number> {
  const found: FileDiagnostic[] = [];
  const policies = new PolicyFiles();
  for (const file of await expand(args)) {
    const policyFile = options.policy ?? (await findPolicy(dirname(file)));
    const loaded = policyFile === undefined ? undefined : await policies.load(policyFile);
    if (loaded?.problems) for (const d of loaded.problems) if (!found.includes(d)) found.push(d);
    for (const d of await validateFile(file, registry, loaded?.policy)) found.push({ file, ...d });
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

async function validateFile(file: string, registry: Registry, policy: Policy | undefined): Promise<Diagnostic[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return [{ severity: 'error', code: 'unreadable-file', path: '', message: `cannot read the file: ${readError(err)}` }];
  }
  return validateFlowText(text, registry, { fileName: file, ...(policy ? { policy } : {}) });
}

/** Policy files read once each; their problems are reported once, however many flows use them. */
class PolicyFiles {
  private readonly loaded = new Map<string, Promise<{ policy?: Policy; problems?: FileDiagnostic[] }>>();

  load(file: string): Promise<{ policy?: Policy; problems?: FileDiagnostic[] }> {
    const key = resolve(file);
    let p = this.loaded.get(key);
    if (!p) this.loaded.set(key, (p = loadPolicy(file)));
    return p;
  }
}

/** Reads and checks a policy file: the policy, or its problems as diagnostics of that file. */
export async function loadPolicy(file: string): Promise<{ policy?: Policy; problems?: FileDiagnostic[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { problems: [{ file, severity: 'error', code: 'unreadable-policy', path: '', message: `cannot read the governance policy: ${readError(err)}` }] };
  }
  const r = parsePolicyText(text);
  if (r.policy) return { policy: r.policy };
  return { problems: r.problems.map((p) => ({ file, severity: 'error' as const, code: 'invalid-policy', path: p.path, message: p.message })) };
}

/** The nearest `governance.policy.json` in `dir` or a folder above it, as a path relative to the working directory when inside it. */
export async function findPolicy(dir: string): Promise<string | undefined> {
  let current = resolve(dir);
  for (;;) {
    const candidate = join(current, POLICY_FILE_NAME);
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) {
      const rel = relative(process.cwd(), candidate);
      return rel.startsWith('..') ? candidate : rel;
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
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
