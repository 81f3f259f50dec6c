import { readFile } from 'node:fs/promises';
import type { Registry } from '../../shared/node-kit/registry';
import { formatDiagnostic, validateFlowText } from '../../shared/validate';
import { firstLine, type CliIO } from './io';
import { findPolicy, loadPolicy } from './validate';
import { dirname } from 'node:path';

/**
 * `sluice run`: validates, then runs one flow in this process. The first SIGTERM/SIGINT aborts
 * the run's signal (the engine stops intake, drains, commits, closes); a second one exits at
 * once. Resolves 0 when the flow ended cleanly, 1 after printing a one-line error.
 */
export async function runCommand(file: string, options: { envFile?: string }, loadRegistry: () => Promise<Registry>, io: CliIO): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort(new Error(`stopped by ${signal}`));
  };
  // `sluice run … | head`: a closed stdout stops the flow the same graceful way as SIGTERM,
  // instead of an unhandled EPIPE crash.
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') io.stderr(`sluice run: stdout: ${err.message}\n`);
    if (!controller.signal.aborted) controller.abort(new Error('stdout closed'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);
  try {
    const registry = await loadRegistry();
    const problem = await firstError(file, registry);
    if (problem) {
      io.stderr(`sluice run: ${problem}\n`);
      return 1;
    }
    // Loaded here, not at the top: other commands should not pay for the engine.
    const { runFlowFile } = await import('../engine/run-file');
    await runFlowFile(file, { envFile: options.envFile, registry, signal: controller.signal });
    return 0;
  } catch (err) {
    io.stderr(`sluice run: ${firstLine(err)}\n`);
    return 1;
  } finally {
    process.stdout.off('error', onStdoutError);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The validator's first error as one line (plus how many more), so a broken flow is refused
 * with the same words `sluice validate` uses. An unreadable file is left to the runner to report.
 */
async function firstError(file: string, registry: Registry): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  // The same policy `sluice validate` would use, so a flow that leaks cannot be run either.
  const policyFile = await findPolicy(dirname(file));
  const policy = policyFile === undefined ? undefined : await loadPolicy(policyFile);
  if (policy?.problems?.length) return `${policyFile}: ${policy.problems[0]?.message}`;
  const errors = validateFlowText(text, registry, { fileName: file, policy: policy?.policy }).filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return undefined;
  const more = errors.length > 1 ? ` (${errors.length - 1} more: sluice validate ${file})` : '';
  return `${formatDiagnostic(file, first)}${more}`;
}
