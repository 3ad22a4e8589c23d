/**
 * The `spoc` command: `gen`, `check` and `graph` over one pipeline run.
 * Exit codes: 0 ok, 1 diagnostics with errors or a stale registry, 2 usage or internal error.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SpocError, formatError } from "../errors.ts";
import { toJsonReport } from "./report/format-json.ts";
import { formatText } from "./report/format-text.ts";
import { describeModel, generateRegistry, hasErrors } from "./generate.ts";
import { formatDot, formatMermaid, moduleGraph, toGraphJson } from "./report/format-graph.ts";
import { unifiedDiff } from "./report/line-diff.ts";
import type { PipelineResult } from "./model.ts";
import { runPipeline } from "./pipeline.ts";
import { REGENERATE_COMMAND, REGISTRY_FILE as registryFile, registryFiles } from "./render/registry.ts";
import { toSarif } from "./report/sarif.ts";
import { watchProject, type WatchEvent } from "./watch.ts";

export const usage = `Usage: spoc <command> [options]

Commands:
  gen     write generated/registry.ts
            --watch    regenerate whenever apps, config or schema change
            --check    write nothing; print a diff and fail when the file is stale
  check   run every check and write nothing
            --format text|json|sarif   (default: text)
  graph   print the module graph and the load order
            --format mermaid|dot|json  (default: mermaid)

Options:
  --root <dir>   project root (default: the current directory)
  -h, --help     show this help
  -v, --version  print the version

Exit codes: 0 ok, 1 errors or stale registry, 2 usage or internal error.
`;

/** Where the CLI writes, and what stops `gen --watch`. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** ANSI colours in text output. */
  readonly color: boolean;
  /** Aborted to stop `gen --watch`. @default aborted on SIGINT or SIGTERM */
  readonly stop?: AbortSignal;
}

/** A mistake in the command line: printed with the usage, exit 2. */
class UsageError extends Error {}

const commands = {
  gen: { watch: { type: "boolean" }, check: { type: "boolean" } },
  check: { format: { type: "string" } },
  graph: { format: { type: "string" } },
} as const;
type Command = keyof typeof commands;

const formats: Record<Exclude<Command, "gen">, readonly string[]> = {
  check: ["text", "json", "sarif"],
  graph: ["mermaid", "dot", "json"],
};

/** Runs one command line (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const [first] = argv;
    if (first === "-h" || first === "--help" || first === "help") {
      io.stdout(usage);
      return 0;
    }
    if (first === "-v" || first === "--version") {
      io.stdout(`spoc ${version() ?? "(unknown version)"}\n`);
      return 0;
    }
    if (first === undefined || first.startsWith("-")) throw new UsageError("missing command");
    if (!Object.hasOwn(commands, first)) throw new UsageError(`unknown command "${first}"`);
    const command = first as Command;
    const { values, positionals } = parse(command, argv.slice(1));
    if (values.help === true) {
      io.stdout(usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const root = projectRoot(values.root);
    switch (command) {
      case "gen":
        if (values.watch === true && values.check === true)
          throw new UsageError("--watch and --check cannot be combined");
        if (values.check === true) return await genCheck(root, io);
        if (values.watch === true) return await genWatch(root, io);
        return await gen(root, io);
      case "check":
        return await check(root, chooseFormat(command, values.format), io);
      case "graph":
        return await graph(root, chooseFormat(command, values.format), io);
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

function parse(
  command: Command,
  args: readonly string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const options: ParseArgsConfig["options"] = {
      ...commands[command],
      root: { type: "string" },
      help: { type: "boolean", short: "h" },
    };
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    // Node's messages go on to explain `--` for positionals; the first sentence is the point.
    if (isParseArgsError(error)) throw new UsageError(`${command}: ${(error as Error).message.split(". ")[0]}`);
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

function chooseFormat(command: Exclude<Command, "gen">, format: string | boolean | undefined): string {
  const allowed = formats[command];
  if (format === undefined) return allowed[0] as string;
  if (typeof format !== "string" || !allowed.includes(format)) {
    throw new UsageError(`${command}: unknown --format "${String(format)}"; use one of ${allowed.join(", ")}`);
  }
  return format;
}

function projectRoot(option: string | boolean | undefined): string {
  const root = resolve(typeof option === "string" ? option : ".");
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`--root ${root} is not a directory`);
  return root;
}

async function gen(root: string, io: CliIo): Promise<number> {
  const generation = await generateRegistry({ root });
  const { result } = generation;
  if (result.diagnostics.length > 0) io.stderr(formatText(result, { root, color: io.color }));
  if (hasErrors(result) || result.registry === undefined) {
    io.stderr(`spoc gen: ${registryFile} not written\n`);
    return 1;
  }
  io.stdout(
    `spoc gen: ${registryFile} ${generation.written ? "updated" : "unchanged"} ${describeModel(result)} in ${Math.round(generation.durationMs)} ms\n`,
  );
  return 0;
}

async function genCheck(root: string, io: CliIo): Promise<number> {
  const result = await runPipeline({ root });
  if (result.diagnostics.length > 0) io.stderr(formatText(result, { root, color: io.color }));
  if (hasErrors(result) || result.registry === undefined) return 1;
  const problems: string[] = [];
  for (const { file, text } of registryFiles(result.registry)) {
    let onDisk: string | undefined;
    try {
      onDisk = await readFile(join(root, file), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (onDisk === undefined) {
      problems.push(`${file} is missing`);
    } else if (onDisk !== text) {
      io.stdout(unifiedDiff(onDisk, text, { from: `${file} (on disk)`, to: `${file} (generated)` }));
      problems.push(`${file} is stale`);
    }
  }
  if (problems.length > 0) {
    io.stderr(`spoc gen --check: ${problems.join(", ")}; run \`${REGENERATE_COMMAND}\` to update the registry\n`);
    return 1;
  }
  io.stdout(`spoc gen --check: ${registryFile} is up to date ${describeModel(result)}\n`);
  return 0;
}

async function genWatch(root: string, io: CliIo): Promise<number> {
  const stop = io.stop ?? stopOnSignal();
  const watcher = await watchProject({ root, onEvent: (event) => printWatchEvent(event, root, io) });
  io.stderr(`spoc gen: watching ${root} (Ctrl-C to stop)\n`);
  if (!stop.aborted) await new Promise((done) => stop.addEventListener("abort", done, { once: true }));
  await watcher.close();
  return 0;
}

function printWatchEvent(event: WatchEvent, root: string, io: CliIo): void {
  const cause =
    event.changed.length === 0
      ? ""
      : ` after ${event.changed[0]}${event.changed.length > 1 ? ` (+${event.changed.length - 1})` : ""} changed`;
  if (event.type === "failed") {
    io.stderr(`${describeFailure(event.error)}\nspoc gen: still watching\n`);
    return;
  }
  const { result, written, durationMs } = event.generation;
  const diagnostics = result.diagnostics.length > 0 ? formatText(result, { root, color: io.color }) : "";
  const ms = Math.round(durationMs);
  if (hasErrors(result) || result.registry === undefined) {
    // One write, so a reader never sees the diagnostics without the status line.
    io.stderr(`${diagnostics}spoc gen: ${registryFile} not written${cause} in ${ms} ms; still watching\n`);
  } else {
    if (diagnostics !== "") io.stderr(diagnostics);
    io.stdout(
      `spoc gen: ${registryFile} ${written ? "updated" : "unchanged"} ${describeModel(result)}${cause} in ${ms} ms\n`,
    );
  }
}

async function check(root: string, format: string, io: CliIo): Promise<number> {
  const result = await runPipeline({ root });
  if (format === "json") io.stdout(`${JSON.stringify(toJsonReport(result), null, 2)}\n`);
  else if (format === "sarif") {
    const toolVersion = version();
    const sarif = toSarif(result.diagnostics, toolVersion === undefined ? {} : { toolVersion });
    io.stdout(`${JSON.stringify(sarif, null, 2)}\n`);
  } else io.stdout(formatText(result, { root, color: io.color }));
  return hasErrors(result) ? 1 : 0;
}

async function graph(root: string, format: string, io: CliIo): Promise<number> {
  const result: PipelineResult = await runPipeline({ root });
  const model = result.model;
  const moduleGraphOf =
    model === undefined ? { nodes: [], edges: [], loadOrder: [] } : moduleGraph(model, result.loadOrder ?? []);
  if (format === "json") {
    io.stdout(`${JSON.stringify(toGraphJson(moduleGraphOf, result), null, 2)}\n`);
  } else {
    if (result.diagnostics.length > 0) io.stderr(formatText(result, { root, color: io.color }));
    if (model !== undefined) {
      io.stdout(format === "dot" ? formatDot(moduleGraphOf) : formatMermaid(moduleGraphOf));
      const order = result.loadOrder === undefined ? "none (a cycle prevents one)" : result.loadOrder.join(", ");
      io.stdout(`${format === "dot" ? "//" : "%%"} load order: ${order}\n`);
    }
  }
  return hasErrors(result) ? 1 : 0;
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`spoc: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (error instanceof SpocError) {
    io.stderr(`spoc: ${formatError(error)}\n`);
    return 1;
  }
  io.stderr(`${describeFailure(error)}\n`);
  return 2;
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.SPOC_DEBUG === "1" && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  return `spoc: internal error: ${message}\nthis is a bug in spoc; please report it (set SPOC_DEBUG=1 for the stack trace)${stack}`;
}

function version(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return controller.signal;
}

function processIo(): CliIo {
  const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== "dumb";
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color,
  };
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = await runCli(process.argv.slice(2));
