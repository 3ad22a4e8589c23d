/**
 * The machine-readable report of `spoc check --format json`: plain JSON whose shape is
 * fixed by DESIGN.md (`ok`, `loadOrder`, `diagnostics`).
 */
import type { SourceLocation } from "../../errors.ts";
import type { Diagnostic, PipelineResult, Severity } from "../model.ts";

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Relative to the root, `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly cycle?: readonly string[];
  readonly related?: readonly (SourceLocation & { readonly message: string })[];
  readonly hint?: string;
}

export interface JsonReport {
  /** No diagnostic of severity error. */
  readonly ok: boolean;
  /** The baked load order; empty when a cycle prevents one. */
  readonly loadOrder: readonly string[];
  readonly diagnostics: readonly JsonDiagnostic[];
  /** How many diagnostics `[spoc.check] ignore` silenced. */
  readonly silenced: number;
}

/** The report as data; `JSON.stringify` it to print. */
export function toJsonReport(result: Pick<PipelineResult, "diagnostics" | "silenced" | "loadOrder">): JsonReport {
  return {
    ok: !result.diagnostics.some((d) => d.severity === "error"),
    loadOrder: result.loadOrder ?? [],
    diagnostics: result.diagnostics.map(toJsonDiagnostic),
    silenced: result.silenced,
  };
}

/** A diagnostic with a fixed key order and no `undefined` fields. */
export function toJsonDiagnostic(diagnostic: Diagnostic): JsonDiagnostic {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: diagnostic.file,
    line: diagnostic.line,
    column: diagnostic.column,
    ...(diagnostic.cycle === undefined ? {} : { cycle: diagnostic.cycle }),
    ...(diagnostic.related === undefined ? {} : { related: diagnostic.related }),
    ...(diagnostic.hint === undefined ? {} : { hint: diagnostic.hint }),
  };
}
