/**
 * The `spoc` command: `gen`, `check`, `graph` and `why` over one pipeline run.
 * Exit codes: 0 ok, 1 diagnostics with errors or a stale registry, 2 usage or internal error.
 */
import { readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SpocError, formatError } from "../errors.ts";
import { fileAccessError } from "../system-error.ts";
import type { Baseline } from "./report/baseline.ts";
import type { AppGraph } from "./report/app-graph.ts";
import { freshGeneration } from "./fresh-generation.ts";
import type { PipelineResult, ProjectModel } from "./model.ts";
import { findProjectRoot, ProjectNotFoundError } from "./project-root.ts";
import { packageVersion } from "./package-manifest.ts";
import { BUNDLERS, DEFAULT_BUNDLER, type BundlerName } from "./init/templates/bundlers.ts";
import { REGENERATE_COMMAND, REGISTRY_FILE as registryFile } from "./render/registry.ts";
import type { WatchEvent } from "./watch.ts";

/** The commands' modules, loaded when a command runs (cli-modules.ts). */
const load = (): Promise<CommandModules> => import("./cli-modules.ts");
type CommandModules = typeof import("./cli-modules.ts");

export const usage = `Usage: spoc <command> [options]

Commands:
  gen     write generated/registry.ts
            --watch    regenerate whenever apps, config or schema change
            --check    write nothing; print a diff and fail when the file is stale
  check   run every check and write nothing
            --format text|json|sarif   (default: text)
            --baseline <file>          fail only on diagnostics the file does not record
            --update-baseline          record every current diagnostic in the --baseline file
            --changed-since <ref>      report only diagnostics involving files changed since a git ref
  graph   print the module graph and the load order
            --format mermaid|dot|json  (default: mermaid)
            --level module|app         draw modules (default) or apps
            --focus <module|app>       only the nodes within --depth imports of it
            --depth <n>                (default: 1)
  why     print the import chains from a module or app to another: spoc why <from> <to>
            --format text|json         (default: text)
  worker  consume the installed apps' queue workers' jobs until SIGTERM/SIGINT
            --app <A>  --queue <Q>  (repeatable; default: all)
            --concurrency <N>     jobs per queue at a time (default: 1)
            --stop-timeout <ms>   on a signal, how long jobs in flight may finish (default: 30000)
            --no-parent-check     keep running when the npm process that started it is gone
  init    write a new project into a folder: spoc init [dir]   (default: the current folder)
            --bundler ${Object.keys(BUNDLERS).join("|")}   (default: ${DEFAULT_BUNDLER})
  add     add an app (its module files, and installedApps in config/settings.ts): spoc add app <name>

Options:
  --root <dir>   project root (default: the nearest folder up from here with
                 config/spoc.toml or config/schema.ts)
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
  check: {
    format: { type: "string" },
    baseline: { type: "string" },
    "update-baseline": { type: "boolean" },
    "changed-since": { type: "string" },
  },
  graph: {
    format: { type: "string" },
    level: { type: "string" },
    focus: { type: "string" },
    depth: { type: "string" },
  },
  why: { format: { type: "string" } },
  worker: {
    app: { type: "string", multiple: true },
    queue: { type: "string", multiple: true },
    concurrency: { type: "string" },
    "stop-timeout": { type: "string" },
    "no-parent-check": { type: "boolean" },
  },
  init: { bundler: { type: "string" } },
  add: {},
} as const;
type Command = keyof typeof commands;

const formats: Record<Exclude<Command, "gen" | "worker" | "init" | "add">, readonly string[]> = {
  check: ["text", "json", "sarif"],
  graph: ["mermaid", "dot", "json"],
  why: ["text", "json"],
};

/** Runs one command line (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let root: string | undefined;
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
    if (command === "init") return await init(positionals, values.bundler, io);
    if (command === "add") return await add(positionals, values.root, io);
    const expected = command === "why" ? 2 : 0;
    if (positionals.length > expected) throw new UsageError(`unexpected argument "${positionals[expected]}"`);
    if (positionals.length < expected)
      throw new UsageError(`${command}: expected <from> <to>, e.g. spoc why blog users`);
    root = projectRoot(values.root);
    switch (command) {
      case "gen":
        if (values.watch === true && values.check === true)
          throw new UsageError("--watch and --check cannot be combined");
        if (values.check === true) return await genCheck(root, io);
        if (values.watch === true) return await genWatch(root, io);
        return await gen(root, io);
      case "check":
        return await check(root, chooseFormat(command, values.format), checkFlags(values), io);
      case "graph":
        return await graph(root, chooseFormat(command, values.format), graphFlags(values), io);
      case "why":
        return await why(root, chooseFormat(command, values.format), positionals as [string, string], io);
      case "worker":
        return await worker(root, values, io);
    }
  } catch (error) {
    return reportFailure(error, io, root);
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

async function init(positionals: readonly string[], bundler: string | boolean | undefined, io: CliIo): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`init: unexpected argument "${positionals[1]}"`);
  const chosen = bundler ?? DEFAULT_BUNDLER;
  if (typeof chosen !== "string" || !Object.hasOwn(BUNDLERS, chosen)) {
    throw new UsageError(`init: unknown --bundler "${String(chosen)}"; use one of ${Object.keys(BUNDLERS).join(", ")}`);
  }
  const { runInit } = await load();
  return runInit(positionals[0] ?? ".", chosen as BundlerName, io);
}

async function add(positionals: readonly string[], root: string | boolean | undefined, io: CliIo): Promise<number> {
  const [what, name, extra] = positionals;
  if (what !== "app" || name === undefined) throw new UsageError("add: expected app <name>, e.g. spoc add app billing");
  if (extra !== undefined) throw new UsageError(`add: unexpected argument "${extra}"`);
  const project = projectRoot(root);
  const { runAddApp } = await load();
  return runAddApp(project, name, io);
}

function chooseFormat(command: keyof typeof formats, format: string | boolean | undefined): string {
  const allowed = formats[command];
  if (format === undefined) return allowed[0] as string;
  if (typeof format !== "string" || !allowed.includes(format)) {
    throw new UsageError(`${command}: unknown --format "${String(format)}"; use one of ${allowed.join(", ")}`);
  }
  return format;
}

async function worker(root: string, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const { workerCommand } = await import("../workers/queue/command.ts");
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const concurrency = positiveInteger(values.concurrency, "--concurrency");
  const stopTimeoutMs = positiveInteger(values["stop-timeout"], "--stop-timeout");
  return workerCommand(root, {
    apps: list(values.app),
    queues: list(values.queue),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(stopTimeoutMs === undefined ? {} : { stopTimeoutMs }),
    ...(values["no-parent-check"] === true && { parentCheck: false }),
    log: (line) => io.stderr(`spoc worker: ${line}\n`),
  });
}

function positiveInteger(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`worker: ${option} must be a positive integer, got "${String(value)}"`);
  return number;
}

/** `--root` as given, else the nearest folder up from the current one with `config/`. */
function projectRoot(option: string | boolean | undefined): string {
  if (option === "")
    throw new UsageError("--root needs a folder (leave it out to find the project from the current directory)");
  if (typeof option !== "string") return findProjectRoot(process.cwd());
  const root = resolve(option);
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
  const started = performance.now();
  const fresh = freshGeneration(root);
  if (fresh !== undefined) {
    const ms = Math.round(performance.now() - started);
    io.stdout(`spoc gen: ${registryFile} unchanged ${fresh.description} in ${ms} ms\n`);
    return 0;
  }
  const { describeModel, formatText, generateRegistry, hasErrors } = await load();
  const generation = await generateRegistry({ root, diskCache: true });
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
  const { describeModel, formatText, hasErrors, registryFiles, runPipeline, unifiedDiff } = await load();
  const result = await runPipeline({ root, diskCache: true });
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
  const loaded = await load();
  const watcher = await loaded.watchProject({ root, onEvent: (event) => printWatchEvent(event, root, io, loaded) });
  io.stderr(`spoc gen: watching ${root} (Ctrl-C to stop)\n`);
  if (!stop.aborted) await new Promise((done) => stop.addEventListener("abort", done, { once: true }));
  await watcher.close();
  return 0;
}

function printWatchEvent(
  event: WatchEvent,
  root: string,
  io: CliIo,
  { describeModel, formatText, hasErrors }: CommandModules,
): void {
  const cause =
    event.changed.length === 0
      ? ""
      : ` after ${event.changed[0]}${event.changed.length > 1 ? ` (+${event.changed.length - 1})` : ""} changed`;
  if (event.type === "failed") {
    io.stderr(`${describeFailure(event.error, root)}\nspoc gen: still watching\n`);
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

async function check(root: string, format: string, flags: CheckFlags, io: CliIo): Promise<number> {
  const loaded = await load();
  const { checkFails, checkReport, checkWithCache, formatBaseline, formatCheckText, toBaseline } = loaded;
  const { toCheckJson, toCheckSarif } = loaded;
  const result = await checkWithCache(root);
  if (flags.updateBaseline !== undefined) {
    writeFileSync(resolve(flags.updateBaseline), formatBaseline(toBaseline(result.diagnostics)));
    const entries = toBaseline(result.diagnostics).entries.length;
    io.stderr(
      `spoc check: recorded ${result.diagnostics.length} diagnostic${result.diagnostics.length === 1 ? "" : "s"} (${entries} entr${entries === 1 ? "y" : "ies"}) in ${flags.updateBaseline}\n`,
    );
    return 0;
  }
  const report = checkReport(result, {
    ...(flags.baseline === undefined
      ? {}
      : { baseline: { file: flags.baseline, baseline: readBaseline(flags.baseline, loaded) } }),
    ...(flags.changedSince === undefined
      ? {}
      : { changed: { ref: flags.changedSince, files: gitChangedFiles(root, flags.changedSince, loaded) } }),
  });
  if (format === "json") io.stdout(`${JSON.stringify(toCheckJson(report), null, 2)}\n`);
  else if (format === "sarif") io.stdout(`${JSON.stringify(toCheckSarif(report, version()), null, 2)}\n`);
  else io.stdout(formatCheckText(report, { root, color: io.color }));
  return checkFails(report) ? 1 : 0;
}

interface CheckFlags {
  readonly baseline?: string;
  /** The baseline file to write. */
  readonly updateBaseline?: string;
  readonly changedSince?: string;
}

function checkFlags(values: Record<string, string | boolean | undefined>): CheckFlags {
  const baseline = values.baseline as string | undefined;
  const changedSince = values["changed-since"] as string | undefined;
  if (values["update-baseline"] === true) {
    if (baseline === undefined) throw new UsageError("check: --update-baseline needs --baseline <file> to write");
    if (changedSince !== undefined)
      throw new UsageError("check: --update-baseline records every diagnostic; drop --changed-since");
    return { updateBaseline: baseline };
  }
  return {
    ...(baseline === undefined ? {} : { baseline }),
    ...(changedSince === undefined ? {} : { changedSince }),
  };
}

function readBaseline(file: string, { parseBaseline }: CommandModules): Baseline {
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new UsageError(
      `check: baseline ${file}: ${reason}; create it with spoc check --baseline ${file} --update-baseline`,
    );
  }
  try {
    return parseBaseline(text);
  } catch (error) {
    throw new UsageError(
      `check: baseline ${file} is not a spoc baseline: ${(error as Error).message}; rewrite it with --update-baseline`,
    );
  }
}

function gitChangedFiles(root: string, ref: string, { changedFiles, ChangedFilesError }: CommandModules): Set<string> {
  try {
    return changedFiles(root, ref);
  } catch (error) {
    if (error instanceof ChangedFilesError) throw new UsageError(error.message);
    throw error;
  }
}

interface GraphFlags {
  readonly level: "module" | "app";
  readonly focus?: string;
  readonly depth: number;
}

function graphFlags(values: Record<string, string | boolean | undefined>): GraphFlags {
  const level = values.level ?? "module";
  if (level !== "module" && level !== "app")
    throw new UsageError(`graph: unknown --level "${String(level)}"; use module or app`);
  const depth = values.depth === undefined ? 1 : Number(values.depth);
  if (!Number.isInteger(depth) || depth < 0)
    throw new UsageError(`graph: --depth must be a whole number, got "${String(values.depth)}"`);
  if (values.depth !== undefined && values.focus === undefined) throw new UsageError("graph: --depth needs --focus");
  return { level, depth, ...(typeof values.focus === "string" ? { focus: values.focus } : {}) };
}

async function graph(root: string, format: string, flags: GraphFlags, io: CliIo): Promise<number> {
  const loaded = await load();
  const { appGraph, formatAppDot, formatAppMermaid, formatDot, formatMermaid, formatText, hasErrors } = loaded;
  const { limitGraph, moduleGraph, modulesNamed, neighbourhood, runPipeline, toGraphJson } = loaded;
  const result: PipelineResult = await runPipeline({ root, diskCache: true });
  const model = result.model;
  if (format !== "json" && result.diagnostics.length > 0) io.stderr(formatText(result, { root, color: io.color }));
  if (flags.level === "app") {
    let apps: AppGraph = model === undefined ? { nodes: [], edges: [] } : appGraph(model);
    if (flags.focus !== undefined && model !== undefined) {
      if (!model.apps.some((app) => app.name === flags.focus)) throw unknownName(model, flags.focus, "app", loaded);
      apps = limitGraph(apps, neighbourhood([flags.focus], apps.edges, flags.depth));
    }
    if (format === "json") {
      const { ok, diagnostics } = toGraphJson({ nodes: [], edges: [], loadOrder: [] }, result);
      io.stdout(`${JSON.stringify({ ok, level: "app", ...apps, diagnostics }, null, 2)}\n`);
    } else if (model !== undefined) io.stdout(format === "dot" ? formatAppDot(apps) : formatAppMermaid(apps));
    return hasErrors(result) ? 1 : 0;
  }
  let modules =
    model === undefined ? { nodes: [], edges: [], loadOrder: [] } : moduleGraph(model, result.loadOrder ?? []);
  if (flags.focus !== undefined && model !== undefined) {
    const centre = modulesNamed(model, flags.focus);
    if (centre === undefined) throw unknownName(model, flags.focus, "module or app", loaded);
    modules = limitGraph(modules, neighbourhood(centre, modules.edges, flags.depth));
  }
  if (format === "json") {
    io.stdout(`${JSON.stringify(toGraphJson(modules, result), null, 2)}\n`);
  } else if (model !== undefined) {
    io.stdout(format === "dot" ? formatDot(modules) : formatMermaid(modules));
    const order = result.loadOrder === undefined ? "none (a cycle prevents one)" : result.loadOrder.join(", ");
    io.stdout(`${format === "dot" ? "//" : "%%"} load order: ${order}\n`);
  }
  return hasErrors(result) ? 1 : 0;
}

async function why(root: string, format: string, [from, to]: [string, string], io: CliIo): Promise<number> {
  const loaded = await load();
  const { formatText, formatWhy, importChains, modulesNamed, runPipeline } = loaded;
  const result = await runPipeline({ root, diskCache: true });
  const model = result.model;
  if (model === undefined) {
    io.stderr(formatText(result, { root, color: io.color }));
    return 1;
  }
  const sources = modulesNamed(model, from);
  if (sources === undefined) throw unknownName(model, from, "module or app", loaded);
  const targets = modulesNamed(model, to);
  if (targets === undefined) throw unknownName(model, to, "module or app", loaded);
  const chains = importChains(model, sources, targets, { from, to });
  if (format === "json") io.stdout(`${JSON.stringify(chains, null, 2)}\n`);
  else io.stdout(formatWhy(chains));
  return chains.chains.length > 0 ? 0 : 1;
}

/** A name on the command line that is no module or app of the project. */
function unknownName(model: ProjectModel, name: string, what: string, { closest }: CommandModules): UsageError {
  const names = [...model.apps.map((app) => app.name), ...model.modules.map((module) => module.name)];
  const suggestion = closest(name, names);
  return new UsageError(
    `"${name}" is no ${what} of this project${suggestion === undefined ? "" : `; did you mean "${suggestion}"?`} (a module is "<app>.<module>", e.g. "${model.modules[0]?.name ?? "blog.services"}")`,
  );
}

function reportFailure(error: unknown, io: CliIo, root: string | undefined): number {
  if (error instanceof UsageError) {
    io.stderr(`spoc: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (error instanceof ProjectNotFoundError) {
    io.stderr(`spoc: ${error.message}\n`);
    return 2;
  }
  const failure = describeFailure(error, root);
  io.stderr(`${failure}\n`);
  return failure.startsWith("spoc: internal error") ? 2 : 1;
}

/**
 * A failure as a person reads it: a user's or the environment's problem (a SpocError, a file
 * the system refused) with its code, path and fix; anything else is a bug in spoc.
 */
function describeFailure(error: unknown, root: string | undefined): string {
  const known = error instanceof SpocError ? error : fileAccessError(error, root);
  if (known !== undefined) return `spoc: ${formatError(known)}`;
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.SPOC_DEBUG === "1" && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  return `spoc: internal error: ${message}\nthis is a bug in spoc; please report it (set SPOC_DEBUG=1 for the stack trace)${stack}`;
}

function version(): string | undefined {
  return packageVersion();
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
  endQuietlyWhenClosed();
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color,
  };
}

/**
 * A reader that stops early (`spoc graph | head -1`) closes the pipe: the next write fails
 * with EPIPE, which ends the command quietly instead of as an unhandled error.
 */
function endQuietlyWhenClosed(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    });
  }
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
