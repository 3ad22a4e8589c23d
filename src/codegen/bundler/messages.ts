/**
 * Diagnostics in the shapes build tools print: Rollup's (and Vite's) plugin errors with
 * `loc` and `frame`, and webpack's (and rspack's) errors with `file` and `loc`. The SPOC code
 * leads every message, and locations are 1-based lines and 0-based columns, as these tools
 * count them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic, PipelineResult } from "../model.ts";
import { codeFrame } from "../report/code-frame.ts";
import { formatLocation, formatText } from "../report/format-text.ts";

/** A diagnostic as Rollup's `this.error` / `this.warn` take it (`RollupLog`). */
export interface RollupDiagnostic {
  /** `SPOC002`; Rollup passes it on as `pluginCode`. */
  readonly code: string;
  readonly message: string;
  /** Absolute path of the file. */
  readonly id?: string;
  /** 1-based line, 0-based column. */
  readonly loc?: { readonly file: string; readonly line: number; readonly column: number };
  readonly frame?: string;
}

/** The message text: code, message, the cycle and where its edges are, and the hint. */
export function messageText(diagnostic: Diagnostic): string {
  const lines = [`${diagnostic.code}: ${diagnostic.message}`];
  if (diagnostic.cycle !== undefined && diagnostic.cycle.length > 0)
    lines.push(`cycle: ${diagnostic.cycle.join(" -> ")}`);
  for (const related of diagnostic.related ?? []) lines.push(`  ${formatLocation(related)} - ${related.message}`);
  if (diagnostic.hint !== undefined) lines.push(`hint: ${diagnostic.hint}`);
  return lines.join("\n");
}

export function toRollupDiagnostic(diagnostic: Diagnostic, root: string): RollupDiagnostic {
  const message = messageText(diagnostic);
  if (diagnostic.file === "") return { code: diagnostic.code, message };
  const id = join(root, diagnostic.file);
  const source = sourceOf(id);
  const frame = source === undefined ? undefined : codeFrame(source, diagnostic.line, diagnostic.column);
  return {
    code: diagnostic.code,
    message,
    id,
    loc: { file: id, line: Math.max(1, diagnostic.line), column: Math.max(0, diagnostic.column - 1) },
    ...(frame !== undefined && { frame }),
  };
}

/** What webpack's stats read from an error: `ERROR in <file> <line>:<column>` then the message. */
export interface WebpackLikeDiagnostic {
  readonly message: string;
  /** Root-relative path. */
  readonly file?: string;
  readonly loc?: { readonly start: { readonly line: number; readonly column: number } };
}

export function toWebpackDiagnostic(diagnostic: Diagnostic): WebpackLikeDiagnostic {
  const message = messageText(diagnostic);
  if (diagnostic.file === "") return { message };
  return {
    message,
    file: diagnostic.file,
    loc: { start: { line: Math.max(1, diagnostic.line), column: Math.max(0, diagnostic.column - 1) } },
  };
}

function sourceOf(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The generator's errors as one thrown error, for a run that has no located-error format of
 * its own (Vitest's startup): the text `spoc check` prints, and no stack trace, since the
 * mistake is in the project, not in spoc.
 */
export function generationFailure(result: Pick<PipelineResult, "diagnostics" | "silenced">, root: string): Error {
  const error = new Error(`spoc: the registry cannot be generated\n\n${formatText(result, { root })}`);
  error.name = "SpocError";
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
