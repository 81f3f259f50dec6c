export { ExpressionError, checkExpression, createExpressionCompiler, expressionType } from './cel';
export type { ExprIssue } from './cel';
export type { ProblemCode } from './messages';
export { availableFields, celTypeOf, celTypeToAvro, isCelIdentifier } from './schema-types';
export type { AvailableField } from './schema-types';
export { expressionReads } from './reads';
export type { ExpressionReads, ReadPath } from './reads';
