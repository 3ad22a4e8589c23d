/**
 * Baselines for adopting spoc on existing code: `spoc check --update-baseline` records today's
 * diagnostics, and `spoc check --baseline FILE` then fails only on diagnostics not recorded.
 *
 * An entry is the diagnostic's code, file and message with every `:line:column` removed, so it
 * survives edits that shift lines; a cycle is identified by its nodes. The same entry may stand
 * for several diagnostics (`count`). The file is sorted JSON, byte-identical for the same
 * diagnostics.
 */
import type { Diagnostic } from "../model.ts";
import { compareText } from "../_compare.ts";

/** One recorded diagnostic (or `count` identical ones). */
export interface BaselineEntry {
  readonly code: string;
  readonly file: string;
  /** The message without positions, or the cycle for SPOC001/SPOC002. */
  readonly key: string;
  readonly count: number;
}

export interface Baseline {
  readonly version: 1;
  readonly entries: readonly BaselineEntry[];
}

/** How the current diagnostics compare with a baseline. */
export interface BaselineComparison {
  /** Not in the baseline: these fail the check. */
  readonly fresh: readonly Diagnostic[];
  /** In the baseline. */
  readonly known: readonly Diagnostic[];
  /** Baseline entries no longer found (fixed): remove them with `--update-baseline`. */
  readonly absent: readonly BaselineEntry[];
}

/** The baseline identity of a diagnostic. */
function baselineKey(diagnostic: Diagnostic): string {
  if (diagnostic.cycle !== undefined && diagnostic.cycle.length > 0) return `cycle: ${diagnostic.cycle.join(" -> ")}`;
  return diagnostic.message.replace(/:\d+(:\d+)?\b/g, "");
}

/** The baseline recording `diagnostics`, sorted. */
export function toBaseline(diagnostics: readonly Diagnostic[]): Baseline {
  const counts = new Map<string, { code: string; file: string; key: string; count: number }>();
  for (const diagnostic of diagnostics) {
    const entry = { code: diagnostic.code, file: diagnostic.file, key: baselineKey(diagnostic) };
    const id = identity(entry);
    const seen = counts.get(id);
    if (seen) seen.count++;
    else counts.set(id, { ...entry, count: 1 });
  }
  return { version: 1, entries: [...counts.values()].sort(compareEntries) };
}

/** The file's text: two-space JSON, one trailing newline. */
export function formatBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Parses a baseline file; throws an Error naming what is wrong (the caller adds the file). */
export function parseBaseline(text: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`);
  }
  const entries = (data as { entries?: unknown } | null)?.entries;
  if ((data as { version?: unknown } | null)?.version !== 1 || !Array.isArray(entries)) {
    throw new Error('expected { "version": 1, "entries": [...] }');
  }
  return {
    version: 1,
    entries: entries.map((entry: unknown, index) => {
      const { code, file, key, count } = (entry ?? {}) as Record<string, unknown>;
      if (typeof code !== "string" || typeof file !== "string" || typeof key !== "string") {
        throw new Error(`entries[${index}] needs string "code", "file" and "key"`);
      }
      return { code, file, key, count: typeof count === "number" && count >= 1 ? Math.floor(count) : 1 };
    }),
  };
}

/** Splits `diagnostics` into those the baseline records and the new ones, and lists fixed entries. */
export function compareWithBaseline(diagnostics: readonly Diagnostic[], baseline: Baseline): BaselineComparison {
  const left = new Map<string, number>();
  for (const entry of baseline.entries) left.set(identity(entry), (left.get(identity(entry)) ?? 0) + entry.count);
  const fresh: Diagnostic[] = [];
  const known: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const id = identity({ code: diagnostic.code, file: diagnostic.file, key: baselineKey(diagnostic) });
    const count = left.get(id) ?? 0;
    if (count > 0) {
      left.set(id, count - 1);
      known.push(diagnostic);
    } else fresh.push(diagnostic);
  }
  const absent: BaselineEntry[] = [];
  const reported = new Set<string>();
  for (const entry of [...baseline.entries].sort(compareEntries)) {
    const id = identity(entry);
    const count = left.get(id) ?? 0;
    if (count > 0 && !reported.has(id)) {
      reported.add(id);
      absent.push({ ...entry, count });
    }
  }
  return { fresh, known, absent };
}

function identity(entry: { readonly code: string; readonly file: string; readonly key: string }): string {
  return `${entry.code}\0${entry.file}\0${entry.key}`;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return compareText(a.code, b.code) || compareText(a.file, b.file) || compareText(a.key, b.key);
}
