/**
 * What `spoc check` reports once a baseline and `--changed-since` have had their say: the
 * diagnostics to show, which of them the baseline already records, the baseline entries no
 * longer found, and whether the check fails. Rendered as text, JSON or SARIF.
 */
import { ErrorCode } from "../../errors.ts";
import type { CheckOutcome } from "../check-cache.ts";
import type { Diagnostic } from "../model.ts";
import { compareWithBaseline, type Baseline, type BaselineEntry } from "./baseline.ts";
import { diagnosticsInvolving } from "./changed-files.ts";
import { toJsonDiagnostic, toJsonReport, type JsonDiagnostic, type JsonReport } from "./format-json.ts";
import { formatDiagnostic, formatSummary, type TextFormatOptions } from "./format-text.ts";
import { toSarif, type SarifLog } from "./sarif.ts";

export interface CheckOptions {
  /** The baseline and the path it was read from (as the user wrote it). */
  readonly baseline?: { readonly file: string; readonly baseline: Baseline };
  /** `--changed-since`: the ref and the files changed since it, relative to the root. */
  readonly changed?: { readonly ref: string; readonly files: ReadonlySet<string> };
}

export interface CheckReport {
  readonly result: CheckOutcome;
  /** The diagnostics that involve a changed file (all without `--changed-since`). */
  readonly shown: readonly Diagnostic[];
  /** Of `shown`, those the baseline records. */
  readonly known: ReadonlySet<Diagnostic>;
  /** Baseline entries no longer found. */
  readonly absent: readonly BaselineEntry[];
  readonly options: CheckOptions;
}

export function checkReport(result: CheckOutcome, options: CheckOptions = {}): CheckReport {
  const comparison =
    options.baseline === undefined ? undefined : compareWithBaseline(result.diagnostics, options.baseline.baseline);
  const shown =
    options.changed === undefined
      ? result.diagnostics
      : diagnosticsInvolving(result.diagnostics, options.changed.files);
  return { result, shown, known: new Set(comparison?.known ?? []), absent: comparison?.absent ?? [], options };
}

/**
 * The diagnostics that decide the exit code: shown and not in the baseline. An unreadable
 * configuration (SPOC008) is never taken as known: with it, the project was not checked as
 * configured, so a baseline recording it must not turn the check green.
 */
function freshDiagnostics(report: CheckReport): Diagnostic[] {
  return report.shown.filter(
    (diagnostic) => diagnostic.code === ErrorCode.InvalidConfig || !report.known.has(diagnostic),
  );
}

/** Whether `spoc check` exits 1: an error that is shown and new. */
export function checkFails(report: CheckReport): boolean {
  return freshDiagnostics(report).some((diagnostic) => diagnostic.severity === "error");
}

/** Text: the new diagnostics, the summary, then what the baseline and `--changed-since` left out. */
export function formatCheckText(report: CheckReport, options: TextFormatOptions): string {
  const fresh = freshDiagnostics(report);
  const blocks = fresh.map((diagnostic) => formatDiagnostic(diagnostic, options));
  const notes: string[] = [];
  const { baseline, changed } = report.options;
  if (changed !== undefined) {
    const elsewhere = report.result.diagnostics.length - report.shown.length;
    notes.push(
      `--changed-since ${changed.ref}: ${count(changed.files.size, "file")} changed; ${count(elsewhere, "diagnostic")} not involving them left out`,
    );
  }
  if (baseline !== undefined) {
    const known = report.shown.filter((diagnostic) => report.known.has(diagnostic)).length;
    notes.push(`${count(known, "diagnostic")} recorded in ${baseline.file} left out`);
    if (report.absent.length > 0) {
      notes.push(
        `${count(report.absent.length, "baseline entry", "baseline entries")} no longer found; run \`spoc check --baseline ${baseline.file} --update-baseline\` to remove ${report.absent.length === 1 ? "it" : "them"}:`,
        ...report.absent.map(
          (entry) => `  ${entry.code} ${entry.file}: ${entry.key}${entry.count > 1 ? ` (×${entry.count})` : ""}`,
        ),
      );
    }
  }
  blocks.push([formatSummary({ diagnostics: fresh, silenced: report.result.silenced }), ...notes].join("\n"));
  return `${blocks.join("\n\n")}\n`;
}

export interface CheckJsonReport extends JsonReport {
  readonly diagnostics: readonly (JsonDiagnostic & { readonly baselineState?: "new" | "unchanged" })[];
  /** With `--baseline`: the file and the entries no longer found. */
  readonly baseline?: { readonly file: string; readonly absent: readonly BaselineEntry[] };
  /** With `--changed-since`: the ref and the changed files, sorted. */
  readonly changedSince?: { readonly ref: string; readonly files: readonly string[] };
}

/** JSON: DESIGN.md's report over the shown diagnostics; `ok` is false only for a new error. */
export function toCheckJson(report: CheckReport): CheckJsonReport {
  const { baseline, changed } = report.options;
  return {
    ...toJsonReport(report.result),
    ok: !checkFails(report),
    diagnostics: report.shown.map((diagnostic) => ({
      ...toJsonDiagnostic(diagnostic),
      ...(baseline === undefined ? {} : { baselineState: report.known.has(diagnostic) ? "unchanged" : "new" }),
    })),
    ...(baseline === undefined ? {} : { baseline: { file: baseline.file, absent: report.absent } }),
    ...(changed === undefined ? {} : { changedSince: { ref: changed.ref, files: [...changed.files].sort() } }),
  };
}

/** SARIF over the shown diagnostics, with `baselineState` on every result when a baseline is given. */
export function toCheckSarif(report: CheckReport, toolVersion: string | undefined): SarifLog {
  return toSarif(report.shown, {
    ...(toolVersion === undefined ? {} : { toolVersion }),
    ...(report.options.baseline === undefined ? {} : { baseline: { known: report.known, absent: report.absent } }),
  });
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
