import type { LintIssue } from '../../node-kit';

/**
 * Throws the node's lint errors (warnings do not stop it) as one error naming the node type,
 * so a flow that skipped validation still cannot start with a broken node.
 */
export function assertNoLintErrors(type: string, issues: LintIssue[]): void {
  const errors = issues.filter((i) => i.severity !== 'warning');
  if (errors.length) throw new Error(`${type}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}
