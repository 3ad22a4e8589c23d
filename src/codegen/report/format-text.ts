/**
 * Diagnostics for a person: `file:line:column - error SPOC002: message`, a code frame,
 * the cycle and its locations, and the hint; then a one-line summary.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codeFrame } from "./code-frame.ts";
import type { Diagnostic, PipelineResult } from "../model.ts";

export interface TextFormatOptions {
  /** Absolute project root; diagnostic paths are relative to it. */
  readonly root: string;
  /** ANSI colours. @default false */
  readonly color?: boolean;
  /**
   * Reads a source file (root-relative path) for the code frame; `undefined` skips the frame.
   * @default reads the file from disk under `root`
   */
  readonly readSource?: (file: string) => string | undefined;
}

const paint =
  (on: boolean, code: number, reset: number) =>
  (text: string): string =>
    on ? `\u001b[${code}m${text}\u001b[${reset}m` : text;

/** One diagnostic as text, ending without a newline. */
export function formatDiagnostic(diagnostic: Diagnostic, options: TextFormatOptions): string {
  const color = options.color ?? false;
  const cyan = paint(color, 36, 39);
  const severityColor = paint(color, diagnostic.severity === "error" ? 31 : 33, 39);
  const read = options.readSource ?? ((file: string) => readSource(options.root, file));
  const where = diagnostic.file === "" ? "" : `${cyan(formatLocation(diagnostic))} - `;
  const lines = [`${where}${severityColor(diagnostic.severity)} ${diagnostic.code}: ${diagnostic.message}`];
  const source = diagnostic.file === "" ? undefined : read(diagnostic.file);
  const frame = source === undefined ? undefined : codeFrame(source, diagnostic.line, diagnostic.column, { color });
  if (frame !== undefined) lines.push("", frame, "");
  if (diagnostic.cycle !== undefined && diagnostic.cycle.length > 0) {
    lines.push(`  cycle: ${diagnostic.cycle.join(" -> ")}`);
  }
  for (const related of diagnostic.related ?? []) {
    lines.push(`    ${cyan(formatLocation(related))} - ${related.message}`);
  }
  if (diagnostic.hint !== undefined) lines.push(`  hint: ${diagnostic.hint}`);
  return lines.join("\n");
}

/** `2 errors, 0 warnings (1 silenced by [spoc.check] ignore)`. */
export function formatSummary(result: Pick<PipelineResult, "diagnostics" | "silenced">): string {
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const silenced = result.silenced > 0 ? ` (${result.silenced} silenced by [spoc.check] ignore)` : "";
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}${silenced}`;
}

/** Every diagnostic, separated by blank lines, then the summary line; ends with a newline. */
export function formatText(
  result: Pick<PipelineResult, "diagnostics" | "silenced">,
  options: TextFormatOptions,
): string {
  const blocks = result.diagnostics.map((d) => formatDiagnostic(d, options));
  blocks.push(formatSummary(result));
  return `${blocks.join("\n\n")}\n`;
}

/** `file:line:column`, dropping the parts that are unknown. */
export function formatLocation(location: {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}): string {
  if (location.line === undefined || location.line < 1) return location.file;
  if (location.column === undefined || location.column < 1) return `${location.file}:${location.line}`;
  return `${location.file}:${location.line}:${location.column}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function readSource(root: string, file: string): string | undefined {
  try {
    return readFileSync(join(root, file), "utf8");
  } catch {
    return undefined;
  }
}
