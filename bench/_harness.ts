/**
 * Running measurements in fresh processes, interleaved, and summarising them.
 * Children report with one `BENCH {json}` line on stdout; peak RSS comes from
 * `/usr/bin/time -f %M` when it exists, else from the child's own report.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const TIME = "/usr/bin/time";
const HAS_TIME = existsSync(TIME);
/** The tsx loader, so a child runs TypeScript with `node --import <tsx>` in one process. */
export const TSX = import.meta.resolve("tsx");

/** What one child process reported. */
export interface Sample {
  /** Spawn to exit, measured by the parent. */
  readonly wallMs: number;
  /** Peak resident set size in MB, or undefined when neither source had it. */
  readonly rssMb: number | undefined;
  /**
   * User + system CPU time of the process (and its waited-for children), from `/usr/bin/time`;
   * less sensitive than wall time to other load on a shared machine.
   */
  readonly cpuMs: number | undefined;
  /** The child's `BENCH {…}` report. */
  readonly report: Record<string, unknown>;
  readonly stdout: string;
}

export interface ChildOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** @default 600_000 */
  readonly timeoutMs?: number;
  /** Accept a non-zero exit (a checker that found problems). @default false */
  readonly allowFailure?: boolean;
}

/** Runs `command args` once and returns its wall time, peak RSS and report; throws on failure. */
export function runChild(command: string, args: readonly string[], options: ChildOptions = {}): Sample {
  const argv = HAS_TIME ? ["-f", "BENCH_RSS_KB %M\nBENCH_CPU_S %U %S", command, ...args] : [...args];
  const started = performance.now();
  const result = spawnSync(HAS_TIME ? TIME : command, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
  });
  const wallMs = performance.now() - started;
  const stdout = result.stdout ?? "";
  const stderr = result.stderr ?? "";
  if (result.error || (result.status !== 0 && options.allowFailure !== true)) {
    const reason = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw new Error(`${command} ${args.join(" ")} failed (${reason}):\n${tail(stdout)}\n${tail(stderr)}`);
  }
  const reportLine = stdout.split("\n").findLast((line) => line.startsWith("BENCH "));
  const report = reportLine ? (JSON.parse(reportLine.slice(6)) as Record<string, unknown>) : {};
  const timeLine = stderr.split("\n").findLast((line) => line.startsWith("BENCH_RSS_KB "));
  const rssKb = timeLine
    ? Number(timeLine.slice(13))
    : typeof report["maxRssKb"] === "number"
      ? report["maxRssKb"]
      : undefined;
  const cpuLine = stderr.split("\n").findLast((line) => line.startsWith("BENCH_CPU_S "));
  const cpuMs = cpuLine
    ? 1000 *
      cpuLine
        .slice(12)
        .split(" ")
        .reduce((sum, part) => sum + Number(part), 0)
    : undefined;
  return { wallMs, rssMb: rssKb === undefined ? undefined : rssKb / 1024, cpuMs, report, stdout };
}

/** `node --import tsx <script> ...args` in a fresh process. */
export function runTs(script: string, args: readonly string[], options: ChildOptions = {}): Sample {
  return runChild(process.execPath, ["--import", TSX, script, ...args], options);
}

/** Prints the child's report as the line `runChild` reads; adds the child's own peak RSS. */
export function report(values: Record<string, unknown>): void {
  process.stdout.write(`BENCH ${JSON.stringify({ ...values, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

/**
 * Runs each variant `runs` times, interleaved (A B A B …) so drift on a shared machine
 * hits every variant alike. Returns the samples per variant, in the order given.
 */
export function interleave<K extends string>(
  runs: number,
  variants: Readonly<Record<K, () => Sample>>,
): Record<K, Sample[]> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<K, Sample[]>;
  for (let run = 0; run < runs; run++) {
    for (const name of names) samples[name].push(variants[name]());
  }
  return samples;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median CPU time of samples, when `/usr/bin/time` reported it. */
export function cpuMedian(samples: readonly Sample[]): number | undefined {
  const values = samples.map((sample) => sample.cpuMs).filter((value): value is number => value !== undefined);
  return values.length > 0 ? median(values) : undefined;
}

export function max(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((value): value is number => value !== undefined);
  return defined.length > 0 ? Math.max(...defined) : undefined;
}

/** A numeric field of each sample's report. */
export function field(samples: readonly Sample[], name: string): number[] {
  return samples.map((sample) => {
    const value = sample.report[name];
    if (typeof value !== "number") throw new Error(`report has no number "${name}": ${JSON.stringify(sample.report)}`);
    return value;
  });
}

/** One row of the results table. */
export interface Row {
  readonly section: string;
  readonly measure: string;
  readonly size: string;
  /** Median of the candidate, in `unit`. */
  readonly median: number | undefined;
  /** Median of the floor or baseline beside it, when there is one. */
  readonly baseline?: number | undefined;
  readonly unit: "ms" | "MB" | "s" | "count";
  readonly rssMb?: number | undefined;
  readonly target: string;
  /** undefined: no target for this row (recorded only). */
  readonly met?: boolean | undefined;
  readonly runs: number;
}

export function formatTable(rows: readonly Row[]): string {
  const header = ["measure", "N", "median", "baseline", "ratio", "peak RSS", "target", "met?", "runs"];
  const cells = rows.map((row) => [
    row.measure,
    row.size,
    formatValue(row.median, row.unit),
    row.baseline === undefined ? "–" : formatValue(row.baseline, row.unit),
    row.baseline === undefined || row.median === undefined ? "–" : `${(row.median / row.baseline).toFixed(2)}×`,
    row.rssMb === undefined ? "–" : `${row.rssMb.toFixed(0)} MB`,
    row.target,
    row.met === undefined ? "–" : row.met ? "yes" : "**NO**",
    String(row.runs),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? "").length)),
  );
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

function formatValue(value: number | undefined, unit: Row["unit"]): string {
  if (value === undefined || Number.isNaN(value)) return "–";
  if (unit === "ms") return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
  if (unit === "s") return `${value.toFixed(2)} s`;
  if (unit === "count") return value.toLocaleString("en-US");
  return `${value.toFixed(0)} MB`;
}

function tail(text: string, lines = 30): string {
  return text.split("\n").slice(-lines).join("\n");
}
