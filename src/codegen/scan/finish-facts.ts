/**
 * The step both fact readers (oxc's and TypeScript's) end with: what they collected, plus the
 * component candidates among the decorated or wrapped declarations the file exports.
 */
import type { ParseError, Position } from "../parse/ast.ts";
import type { ComponentCandidate, FileFacts, NameUse } from "./file-facts.ts";

/** What a reader collects while it walks a file's top-level statements, before candidates. */
export type CollectedFacts = Omit<FileFacts, "candidates" | "parseError">;

/** A decorated or wrapped declaration seen by a reader, of the reader's own name node `N`. */
export interface PendingCandidate<N> {
  readonly name: N;
  readonly uses: readonly NameUse[];
}

/**
 * The facts from what a reader collected: the pending candidates this file exports (under
 * any name) become component candidates, in source order.
 */
export function finishFacts<N>(
  collected: CollectedFacts,
  pending: ReadonlyMap<string, PendingCandidate<N>>,
  names: { local(name: N): string; start(name: N): number; position(name: N): Position },
  parseError: ParseError | undefined,
): FileFacts {
  const exportedLocals = new Set(collected.exports.values());
  const candidates = new Map<string, ComponentCandidate>();
  const positioned = [...pending.values()]
    .filter((candidate) => exportedLocals.has(names.local(candidate.name)))
    .sort((a, b) => names.start(a.name) - names.start(b.name));
  for (const { name, uses } of positioned) {
    candidates.set(names.local(name), { local: names.local(name), uses, ...names.position(name) });
  }
  return { ...collected, candidates, parseError };
}
