import { createContext, useContext, type ReactNode } from 'react';
import type { Diagnostic } from '../../../../shared/validate/diagnostic';
import { NO_DIAGNOSTICS, type PlacedDiagnostics } from './pointer';

/**
 * What every field of one form shares: whose config it edits, how an edit is written and which
 * problems belong to which field. A node form and a resource form inside it each have their own.
 */
export type EditKind = 'typing' | 'step';

export interface FormScope {
  /** The node whose config this is; undefined for a resource's form. */
  nodeId?: string;
  nodeType?: string;
  /**
   * Writes `value` at `pointer` (a field pointer such as `/config/when`); `undefined` removes the
   * key. Reads the current document at call time, so a widget never writes over a newer edit.
   * `typing` edits of one field within a second join one undo entry; a `step` (a click, a
   * choice, adding or removing an item) is always an entry of its own.
   */
  commit(pointer: string, value: unknown, how?: EditKind): void;
  diagnostics: PlacedDiagnostics;
}

const Scope = createContext<FormScope>({ commit: () => {}, diagnostics: NO_DIAGNOSTICS });

export function FormScopeProvider({ value, children }: { value: FormScope; children: ReactNode }) {
  return <Scope.Provider value={value}>{children}</Scope.Provider>;
}

export function useFormScope(): FormScope {
  return useContext(Scope);
}

const NONE: Diagnostic[] = [];

export function useFieldDiagnostics(pointer: string): Diagnostic[] {
  return useContext(Scope).diagnostics.at.get(pointer) ?? NONE;
}
