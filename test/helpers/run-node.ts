import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeDefinition } from '../../shared/node-kit/define';
import type {
  HttpClient,
  LineWriter,
  Logger,
  RuntimeContext,
  SourceRuntime,
  ProcessorRuntime,
  SinkRuntime,
} from '../../shared/node-kit/runtime';
import type { Message } from '../../shared/node-kit/message';
import type { RecordSchema } from '../../shared/schema/record-schema';
import type { BrokerServices } from '../../shared/node-kit/brokers';
import { createExpressionCompiler } from '../../shared/expr';
import { nodeCrypto, nodeFiles, systemClock } from '../../runtime/engine/context';

/**
 * The unit-test harness for one node type, with no engine around it: parses the config with the
 * node's own schema, builds it with a test RuntimeContext, feeds records and collects what each
 * output port emitted (processors), what a source produced, or what a sink accepted.
 */
export interface RunNodeOptions {
  inputSchema?: RecordSchema;
  /** Base folder for relative file paths; a fresh temp dir by default. */
  dir?: string;
  http?: HttpClient;
  resources?: Record<string, { type: string; config: Record<string, unknown> }>;
  /** Broker services for broker node types; unit tests of other nodes get none. */
  brokers?: BrokerServices;
  /** Stop a source after this many records. */
  limit?: number;
}

export interface RunNodeResult {
  /** Records per output port (processors and sources), in emit order. */
  outputs: Record<string, unknown[]>;
  /** Whole messages per output port, for key/header checks. */
  messages: Record<string, Message[]>;
  /** Per-input errors thrown by a processor or sink (index of the input record). */
  errors: Array<{ index: number; error: Error }>;
  /** Lines written to the node's stdout (core.log). */
  stdout: string[];
  logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }>;
  dir: string;
}

const refuse = (): never => {
  throw new Error('this unit test has no brokers: pass options.brokers to runNode');
};
const noBrokers: BrokerServices = {
  kafka: { consumer: refuse, producer: refuse, table: refuse },
  nats: { consumer: refuse, publisher: refuse },
  amqp: { receiver: refuse, sender: refuse },
};

export function testContext(def: NodeDefinition, options: RunNodeOptions = {}, sink?: { stdout: string[]; logs: RunNodeResult['logs'] }) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sluice-node-'));
  const stdout = sink?.stdout ?? [];
  const logs = sink?.logs ?? [];
  const log: Logger = {
    debug: (msg, fields) => logs.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => logs.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => logs.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => logs.push({ level: 'error', msg, fields }),
  };
  const lines: LineWriter = { writeLine: (l) => void stdout.push(l) };
  const abort = new AbortController();
  const ctx: RuntimeContext = {
    flowId: 'test-flow',
    nodeId: def.type.replace(/\./g, '-'),
    log,
    clock: systemClock,
    http: options.http ?? { fetch: () => Promise.reject(new Error('no HTTP in this test')) },
    crypto: nodeCrypto,
    files: nodeFiles(dir),
    stdout: lines,
    expr: createExpressionCompiler(options.inputSchema),
    resources: {
      get<T>(id: string, type: string): T {
        const r = options.resources?.[id];
        if (!r || r.type !== type) throw new Error(`no ${type} resource "${id}"`);
        return r.config as T;
      },
    },
    brokers: options.brokers ?? noBrokers,
    inputSchema: options.inputSchema,
    signal: abort.signal,
  };
  return { ctx, dir, abort };
}

export async function runNode(
  def: NodeDefinition,
  config: unknown,
  inputs: unknown[] | Message[] = [],
  options: RunNodeOptions & { messages?: boolean } = {},
): Promise<RunNodeResult> {
  const parsed = def.config.parse(config);
  const result: RunNodeResult = { outputs: {}, messages: {}, errors: [], stdout: [], logs: [], dir: '' };
  const { ctx, dir, abort } = testContext(def, options, result);
  result.dir = dir;
  const lint = def.lint?.(parsed) ?? [];
  const lintErrors = lint.filter((l) => l.severity !== 'warning');
  if (lintErrors.length) throw new Error(`config fails lint: ${lintErrors.map((l) => `${l.path}: ${l.message}`).join('; ')}`);
  const runtime = await def.create(parsed, ctx);
  const collect = (port: string, msg: Message) => {
    (result.outputs[port] ??= []).push(msg.value);
    (result.messages[port] ??= []).push(msg);
  };
  const asMessage = (v: unknown): Message =>
    options.messages ? (v as Message) : { value: v };

  if (runtime.role === 'source') {
    await runSource(runtime, collect, abort, options.limit);
  } else if (runtime.role === 'processor') {
    await runProcessor(runtime, inputs.map(asMessage), collect, result.errors);
  } else {
    await runSink(runtime, inputs.map(asMessage), collect, result.errors);
  }
  abort.abort();
  await runtime.close?.();
  return result;
}

async function runSource(src: SourceRuntime, collect: (p: string, m: Message) => void, abort: AbortController, limit?: number) {
  let n = 0;
  await src.run({
    signal: abort.signal,
    emit(msg) {
      if (abort.signal.aborted) return;
      collect('out', msg);
      n++;
      if (limit !== undefined && n >= limit) abort.abort();
    },
    deadLetter(msg, error) {
      collect('dead-letter', { ...msg, meta: { ...msg.meta, error: error.message } });
    },
  });
}

async function runProcessor(p: ProcessorRuntime, inputs: Message[], collect: (p: string, m: Message) => void, errors: RunNodeResult['errors']) {
  for (const [index, msg] of inputs.entries()) {
    try {
      await p.process(msg, collect);
    } catch (error) {
      errors.push({ index, error: error as Error });
    }
  }
}

async function runSink(s: SinkRuntime, inputs: Message[], collect: (p: string, m: Message) => void, errors: RunNodeResult['errors']) {
  for (const [index, msg] of inputs.entries()) {
    try {
      await s.write(msg);
      collect('accepted', msg);
    } catch (error) {
      errors.push({ index, error: error as Error });
    }
  }
  await s.flush?.();
}
