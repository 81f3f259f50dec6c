import { parseArgs } from 'node:util';
import type { Registry } from '../shared/node-kit/registry';
import { COMMAND_HELP, MAIN_HELP, type CommandName } from './cli/help';
import { firstLine, processIO, type CliIO } from './cli/io';
import { loadRegistry } from './cli/registry';
import type { DesignerLauncher } from './cli/designer';

export type { CliIO };

export interface CliOptions {
  io?: CliIO;
  /** The node types to use; the built-in registry (or $SLUICE_REGISTRY) by default. */
  registry?: () => Promise<Registry>;
  /** The designer server for `sluice designer`; bin/sluice.js passes designer/server. */
  designer?: () => Promise<DesignerLauncher>;
}

/** Exit codes: 0 success, 1 problems found or the command failed, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * The `sluice` command. Resolves with the exit code instead of exiting, so it can be called in
 * process; never rejects for a user mistake (those are messages and exit codes). Commands load
 * lazily, so `sluice --help` does not pay for the node registry.
 */
export async function main(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  const io = options.io ?? processIO;
  const registry = options.registry ?? loadRegistry;
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(MAIN_HELP);
    return EXIT_USAGE;
  }
  if (command === '--help' || command === '-h') {
    io.stdout(MAIN_HELP);
    return EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout(`${pkg.version}\n`);
    return EXIT_OK;
  }
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout(MAIN_HELP);
      return EXIT_OK;
    }
    if (!isCommand(topic)) return unknownCommand(io, topic);
    io.stdout(COMMAND_HELP[topic]);
    return EXIT_OK;
  }
  if (!isCommand(command)) return unknownCommand(io, command);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(COMMAND_HELP[command]);
    return EXIT_OK;
  }
  try {
    switch (command) {
      case 'validate': {
        const { values, positionals } = parseArgs({ args: [...rest], options: { json: { type: 'boolean' }, policy: { type: 'string' } }, allowPositionals: true, strict: true });
        if (positionals.length === 0) return usageError(io, command, 'name at least one flow file');
        const { validateCommand } = await import('./cli/validate');
        return await validateCommand(positionals, { json: values.json === true, policy: values.policy }, await registry(), io);
      }
      case 'catalog': {
        const { values, positionals } = parseArgs({ args: [...rest], options: { md: { type: 'string' } }, allowPositionals: true, strict: true });
        if (positionals.length > 0) return usageError(io, command, `unexpected argument "${positionals[0]}"`);
        const { catalogCommand } = await import('./cli/catalog');
        return await catalogCommand({ md: values.md }, await registry(), io);
      }
      case 'run': {
        const { values, positionals } = parseArgs({ args: [...rest], options: { 'env-file': { type: 'string' } }, allowPositionals: true, strict: true });
        if (positionals.length !== 1) return usageError(io, command, 'name exactly one flow file');
        const { runCommand } = await import('./cli/run');
        return await runCommand(positionals[0] as string, { envFile: values['env-file'] }, registry, io);
      }
      case 'designer': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          options: { port: { type: 'string' }, host: { type: 'string' }, flows: { type: 'string' }, 'env-file': { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        if (positionals.length > 0) return usageError(io, command, `unexpected argument "${positionals[0]}"`);
        const port = values.port === undefined ? 4400 : Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(io, command, `--port must be a port number, not "${values.port}"`);
        if (!options.designer) {
          io.stderr('sluice designer: this build has no designer server (start sluice through bin/sluice.js)\n');
          return EXIT_FAILED;
        }
        const { designerCommand } = await import('./cli/designer');
        return await designerCommand(
          { port, host: values.host ?? '127.0.0.1', flows: values.flows ?? 'flows', envFile: values['env-file'] },
          await registry(),
          io,
          options.designer,
        );
      }
      case 'registry': {
        const { registryCommand } = await import('./cli/schema-registry');
        return await registryCommand(rest, io);
      }
    }
  } catch (err) {
    if (isParseArgsError(err)) return usageError(io, command, (err as Error).message);
    // Anything else is a failure to report in one line, not a stack trace for the user.
    io.stderr(`sluice ${command}: ${firstLine(err)}\n`);
    return EXIT_FAILED;
  }
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

function unknownCommand(io: CliIO, name: string): number {
  io.stderr(`sluice: unknown command "${name}"\n\n${MAIN_HELP}`);
  return EXIT_USAGE;
}

function usageError(io: CliIO, command: CommandName, message: string): number {
  io.stderr(`sluice ${command}: ${message}\n\n${COMMAND_HELP[command]}`);
  return EXIT_USAGE;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
