/**
 * A unified diff of two texts by lines, for `spoc gen --check` to show how the registry on
 * disk differs from the generated one. jsdiff (Myers' algorithm) prints about the changed
 * lines and their context, however long the files are.
 */
import { createTwoFilesPatch } from "diff";

export interface UnifiedDiffOptions {
  /** Label of the old text (`--- …`). @default "a" */
  readonly from?: string;
  /** Label of the new text (`+++ …`). @default "b" */
  readonly to?: string;
  /** Unchanged lines around each change. @default 3 */
  readonly context?: number;
}

/** The diff, ending with a newline; the empty string when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return "";
  const patch = createTwoFilesPatch(options.from ?? "a", options.to ?? "b", oldText, newText, undefined, undefined, {
    context: options.context ?? 3,
  });
  // jsdiff starts with a line of "=" (an `Index:` separator) that unified diffs do not have.
  return patch.slice(patch.indexOf("\n") + 1);
}
