import { Environment } from '@marcbachmann/cel-js';
import type { CompiledExpression, ExpressionCompiler } from '../node-kit/runtime';
import type { ExprResultType } from '../node-kit/hints';
import type { RecordSchema } from '../schema/record-schema';

// FIRST CUT: dynamic typing only. To be replaced by schema-aware type checking.

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export function createExpressionCompiler(_schema: RecordSchema): ExpressionCompiler {
  const env = new Environment({ unlistedVariablesAreDyn: true });
  return {
    compile(source: string, options: { resultType?: ExprResultType } = {}): CompiledExpression {
      let fn;
      try {
        fn = env.parse(source);
      } catch (err) {
        throw new ExpressionError((err as Error).message, 1, 1);
      }
      return {
        source,
        type: options.resultType === 'bool' ? 'bool' : 'dyn',
        evaluate(record: unknown) {
          const r = record as Record<string, unknown>;
          const v = fn({ ...r, record: r });
          return typeof v === 'bigint' ? Number(v) : v;
        },
      };
    },
  };
}

export interface ExprIssue {
  message: string;
  line: number;
  column: number;
}

/** Type-checks an expression against a record schema; [] when valid. FIRST CUT: syntax only. */
export function checkExpression(source: string, schema: RecordSchema, options: { resultType?: ExprResultType } = {}): ExprIssue[] {
  try {
    createExpressionCompiler(schema).compile(source, options);
    return [];
  } catch (err) {
    const e = err as ExpressionError;
    return [{ message: e.message, line: e.line ?? 1, column: e.column ?? 1 }];
  }
}
