/**
 * `npm run bench`: every benchmark of spoc, each figure the median of fresh processes, each
 * candidate interleaved with its floor or baseline in this same invocation.
 *
 *   npm run bench -- [--only gen,watch,tsc,start,workers,small,cache,eslint,peers,queue] [--sizes 10,100,1000] [--runs 5] [--start-tsx]
 *                    [--baseline DIR]
 *
 * Sections:
 *   gen      cold `spoc gen` (bench/gen-once.ts under tsx; bin/spoc.js, what `npm run spoc`
 *            runs; the CLI bundled to one JavaScript file under plain node) vs a plain
 *            TypeScript parse of the same files (bench/floor.ts, run the same way), at every
 *            size; peak RSS; with --baseline DIR, also DIR's bin/spoc.js in the same rounds.
 *            Every run starts without generated/ and without the scan's cache.
 *   tsc      `tsc --noEmit` of the largest project without a registry, with the registry, with
 *            a file of 100 getComponent calls, with a file naming the same 100 component types
 *            directly, and with registry.ts's type map checked (the generated file is
 *            `// @ts-nocheck`).
 *   start    `Framework.start` vs importing the same modules in a plain loop (bench/start-once.ts),
 *            on a JavaScript copy of the project under plain node (bench/compile-js.ts), and
 *            with --start-tsx also on the sources under tsx.
 *   watch    one edit in the largest project → registry written (bench/watch-once.ts); with
 *            --baseline DIR, also DIR's watch mode (another checkout), sessions interleaved.
 *   workers  stop latency and spawn → startup of a ThreadWorker and a ProcessWorker.
 *   small    the example: `spoc gen` (launcher, bundled CLI, packed bin/spoc.js) vs `node -e 0`,
 *            and its esbuild build with `spoc()` from `spoc/esbuild` (dist/) vs without, and vs
 *            without but with the same output (bench/build-once.ts); with --baseline DIR, also
 *            DIR's `spoc gen` and plugin (`npm run build` in DIR first), interleaved.
 *   cache    `spoc check` of the largest project: unchanged since the last check (warm: its stored
 *            result), one file edited since (the scan's disk cache), and with no cache (cold).
 *   eslint   `spoc/eslint` in one ESLint session on the largest project: the first lint, then
 *            the median lint of one file, beside ESLint alone (bench/eslint-once.ts).
 *   peers    `spoc check` vs dependency-cruiser (no-circular, tsPreCompilationDeps) and madge
 *            --circular at every size ≥ 100, interleaved, with each tool's cycle count
 *            (bench/peers.ts; the peers are installed in bench/peers/).
 *   plugins  a build of the example (apps/, config/, framework/, main.ts) by Vite, Rollup,
 *            webpack, rspack and esbuild, each with and without spoc's plugin, interleaved
 *            (bench/plugin-build.ts; the tools from `npm ci --prefix test/bundlers`).
 *   queue    queue workers on a throwaway PostgreSQL (bench/queue.ts): jobs/s through spoc vs
 *            raw pg-boss with the same settings, 1 and 2 consumer processes, and enqueue →
 *            completed latency p50/p99. Not in the default set: it needs PostgreSQL.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import {
  cpuMedian,
  field,
  formatTable,
  interleave,
  max,
  median,
  runChild,
  runTs,
  type Row,
  type Sample,
} from "./_harness.ts";
import { compileProject } from "./compile-js.ts";
import { MODULES, PROJECTS_DIR, REPO_ROOT, appName, synthesize, tsconfig } from "./synth.ts";

const SECTIONS = [
  "gen",
  "tsc",
  "start",
  "watch",
  "workers",
  "small",
  "peers",
  "plugins",
  "cache",
  "eslint",
  "queue",
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    sizes: { type: "string", default: "10,100,1000" },
    runs: { type: "string", default: "5" },
    /** Also time `Framework.start` on the TypeScript sources under tsx (adds about 2 minutes). */
    "start-tsx": { type: "boolean", default: false },
    /**
     * Another checkout of spoc (e.g. `git worktree add /tmp/base main`, with node_modules)
     * measured in the same run, interleaved with this checkout's: its watch mode (watch), its
     * cold `spoc gen` (gen), and its `spoc gen` and esbuild plugin of the example (small, after
     * `npm run build` there).
     */
    baseline: { type: "string" },
  },
});
const only = new Set(
  (values.only ?? SECTIONS.filter((name) => name !== "queue").join(",")).split(",").map((s) => s.trim()) as Section[],
);
for (const section of only)
  if (!SECTIONS.includes(section)) throw new Error(`unknown section "${section}"; known: ${SECTIONS.join(", ")}`);
const sizes = values.sizes
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const runs = Number(values.runs);
const largest = sizes.at(-1) ?? 1000;
const script = (name: string): string => join(REPO_ROOT, "bench", name);
// A directory of this run's own, so a concurrent run or experiment on bench/.projects/<N>
// cannot edit the files under measurement; removed at the end.
const runDir = join(PROJECTS_DIR, `run-${process.pid}`);
const projectDir = (n: number): string => join(runDir, String(n));
const registryPath = (n: number): string => join(projectDir(n), "generated", "registry.ts");

const benchStarted = performance.now();
process.on("exit", () => rmSync(runDir, { recursive: true, force: true }));
process.on("SIGINT", () => process.exit(130));
const rows: Row[] = [];
const log = (message: string): void => {
  process.stderr.write(`[${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
};

log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )}; node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB; sections ${[...only].join(",")}; sizes ${sizes.join(",")}; ${runs} runs`,
);
const needsLargest = ["tsc", "start", "watch", "cache", "eslint"].some((name) => only.has(name as Section));
const needsAll = only.has("gen") || only.has("peers");
for (const n of needsAll ? sizes : needsLargest ? [largest] : []) {
  const project = synthesize(n, projectDir(n));
  log(`synthesized ${n} apps: ${project.moduleFiles.length} module files, ${project.lines} lines`);
}

/** Runs a section; a failure becomes a row saying so, and the other sections still run. */
function section(name: Section, body: () => void | Promise<void>): Promise<void> | void {
  if (!only.has(name)) return;
  log(`— ${name}`);
  const fail = (error: unknown): void => {
    log(`${name} FAILED: ${error instanceof Error ? error.message : String(error)}`);
    rows.push({
      section: name,
      measure: `${name}: FAILED (see log)`,
      size: "–",
      median: undefined,
      unit: "ms",
      target: "–",
      met: false,
      runs: 0,
    });
  };
  try {
    const result = body();
    if (result instanceof Promise) return result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** Makes sure the project of `n` apps has a registry (the gen section leaves one). */
function ensureRegistry(n: number): void {
  if (!existsSync(registryPath(n))) {
    log(`generating the registry of ${n} apps`);
    runTs(script("gen-once.ts"), [projectDir(n)]);
  }
}

const ms = (samples: readonly Sample[]): number => median(samples.map((s) => s.wallMs));
const rss = (samples: readonly Sample[]): number | undefined => max(samples.map((s) => s.rssMb));

// ─── gen ──────────────────────────────────────────────────────────────────────
await section("gen", async () => {
  const cli = join(REPO_ROOT, "src", "codegen", "cli.ts");
  // What `npm run spoc` runs: the launcher, which runs the CLI bundled in node_modules/.cache/spoc/.
  const launcher = join(REPO_ROOT, "bin", "spoc.js");
  // The CLI as a published package would ship it: one JavaScript file run by plain node, with
  // the parse worker a cold gen of a large project starts beside it (named to the CLI, as
  // bin/spoc-dev.js does).
  const cliBundle = join(runDir, "spoc-cli.mjs");
  const workerBundle = join(runDir, "parse-worker.mjs");
  const floorBundle = join(runDir, "floor.mjs");
  for (const [entry, outfile, define] of [
    [join(REPO_ROOT, "src", "codegen", "scan", "parse-worker.ts"), workerBundle, {}],
    [cli, cliBundle, { "import.meta.spocParseWorker": JSON.stringify(pathToFileURL(workerBundle).href) }],
    [script("floor.ts"), floorBundle, {}],
  ] as const) {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      define,
      logLevel: "error",
    });
  }
  const genBaseline = values.baseline === undefined ? undefined : resolve(values.baseline);
  for (const n of sizes) {
    const root = projectDir(n);
    const cold = (run: () => Sample) => (): Sample => {
      rmSync(join(root, "generated"), { recursive: true, force: true });
      // Cold: no scan cache from the previous round either.
      rmSync(join(root, "node_modules", ".cache", "spoc"), { recursive: true, force: true });
      return run();
    };
    const variants = {
      floor: () => runTs(script("floor.ts"), [root]),
      floorNode: () => runChild(process.execPath, [floorBundle, root]),
      gen: cold(() => runTs(script("gen-once.ts"), [root])),
      cli: cold(() => runChild(process.execPath, [launcher, "gen", "--root", root])),
      bundle: cold(() => runChild(process.execPath, [cliBundle, "gen", "--root", root])),
    };
    // Another checkout's `spoc gen` through its own launcher (--baseline), in the same rounds.
    const withBaseline: Record<string, () => Sample> =
      genBaseline === undefined
        ? variants
        : {
            ...variants,
            baseCli: cold(() =>
              runChild(process.execPath, [join(genBaseline, "bin", "spoc.js"), "gen", "--root", root]),
            ),
          };
    interleave(1, withBaseline); // warm the file system and tsx caches, build the launchers' bundles; not counted
    const samples = interleave(runs, withBaseline) as Record<keyof typeof variants, Sample[]> & {
      readonly baseCli?: Sample[];
    };
    const target = n === 1000 ? "≤ 1.3× floor" : n === 100 ? "< 1 s" : "–";
    // Each candidate beside the floor run the same way: under tsx, or bundled under plain node.
    for (const [name, label, base] of [
      ["gen", "gen cold, process (gen-once.ts, tsx)", "floor"],
      ["cli", "spoc gen cold, process (bin/spoc.js, node)", "floorNode"],
      ["bundle", "spoc gen cold, process (CLI bundled, node)", "floorNode"],
    ] as const) {
      const value = ms(samples[name]);
      const floorValue = ms(samples[base]);
      // The targets are for `spoc gen` as users run it (`npm run spoc`); the others inform.
      const measured = name === "cli" && target !== "–";
      const met = !measured ? undefined : n === 1000 ? value <= 1.3 * floorValue : value < 1000;
      rows.push({
        section: "gen",
        measure: label,
        size: String(n),
        median: value,
        baseline: floorValue,
        unit: "ms",
        rssMb: rss(samples[name]),
        target: measured ? target : "–",
        met,
        runs,
      });
    }
    if (genBaseline !== undefined) {
      const base = samples.baseCli ?? [];
      for (const [measure, value, baseValue] of [
        ["spoc gen cold, process (bin/spoc.js, node), vs --baseline", ms(samples.cli), ms(base)],
        ["spoc gen cold, CPU time (bin/spoc.js, node), vs --baseline", cpuMedian(samples.cli), cpuMedian(base)],
      ] as const) {
        rows.push({
          section: "gen",
          measure,
          size: String(n),
          median: value,
          baseline: baseValue,
          unit: "ms",
          target: n === 1000 && measure.includes("process") ? "≤ 1.6 s" : "–",
          met: n === 1000 && measure.includes("process") && value !== undefined ? value <= 1600 : undefined,
          runs,
        });
      }
    }
    rows.push({
      section: "gen",
      measure: "gen cold, in-process (pipeline + write)",
      size: String(n),
      median: median(field(samples.gen, "ms")),
      baseline: median(field(samples.floor, "ms")),
      unit: "ms",
      target: "–",
      runs,
    });
    rows.push({
      section: "gen",
      measure: "spoc gen cold, CPU time (bin/spoc.js, node)",
      size: String(n),
      median: cpuMedian(samples.cli),
      baseline: cpuMedian(samples.floorNode),
      unit: "ms",
      target: "–",
      runs,
    });
    const peak = max([rss(samples.gen), rss(samples.cli), rss(samples.bundle)]);
    rows.push({
      section: "gen",
      measure: "gen cold, peak RSS",
      size: String(n),
      median: peak,
      baseline: rss(samples.floor),
      unit: "MB",
      rssMb: peak,
      target: n === 1000 ? "< 400 MB" : "–",
      met: n === 1000 && peak !== undefined ? peak < 400 : undefined,
      runs,
    });
    if (n === sizes[0]) {
      const startup = interleave(runs, { startup: () => runTs(script("startup-once.ts"), []) }).startup;
      rows.push({
        section: "gen",
        measure: "node + tsx + import ts-morph, no work",
        size: "–",
        median: ms(startup),
        unit: "ms",
        rssMb: rss(startup),
        target: "–",
        runs,
      });
    }
    const report = samples.gen[0]?.report ?? {};
    log(
      `gen ${n}: floor ${ms(samples.floor).toFixed(0)} ms (node ${ms(samples.floorNode).toFixed(0)} ms), gen ${ms(samples.gen).toFixed(0)} ms, cli ${ms(samples.cli).toFixed(0)} ms, bundled cli ${ms(samples.bundle).toFixed(0)} ms; ${String(report["modules"])} modules, ${String(report["components"])} components, registry ${String(report["registryBytes"])} bytes`,
    );
  }
});

// ─── tsc ──────────────────────────────────────────────────────────────────────
await section("tsc", () => {
  const n = largest;
  const root = projectDir(n);
  ensureRegistry(n);
  // What users type-check against: the package's declarations (dist/), built now.
  log("tsc: building dist/ (npm run build)");
  runChild("npm", ["run", "build", "--silent"], { cwd: REPO_ROOT });
  const spocTypes = join(REPO_ROOT, "dist", "index.d.ts");
  // Before issue 14: type map members `typeof import("…").Name` and `getComponent(module, key: K)`,
  // as a copy of dist/ with that signature and a copy of registry.ts with those members.
  const beforeDist = join(runDir, "spoc-before");
  cpSync(join(REPO_ROOT, "dist"), beforeDist, { recursive: true });
  const framework = join(beforeDist, "framework.d.ts");
  const signature = readFileSync(framework, "utf8").replace("key: K & LiveKey<Map[M][K]>", "key: K");
  writeFileSync(framework, signature);
  // The registry as generated (registry.ts is `// @ts-nocheck`; its data is JavaScript tsc
  // does not read), and for comparison the same registry.ts with its type map checked.
  const registry = readFileSync(registryPath(n), "utf8");
  const checked = registry.replace(/^\/\/ @ts-nocheck.*\n/m, "");
  if (checked === registry) log("tsc: the registry has no // @ts-nocheck line; the checked variant is the same");
  writeFileSync(join(root, "generated", "registry-checked.ts"), checked);
  const before = registry
    .replace(/^import type \{ ComponentExport as Export \} from "spoc";\n/m, "")
    .replace(/Export<typeof import\(("[^"]+")\), "(\w+)", "[^"]+">/g, "typeof import($1).$2");
  writeFileSync(join(root, "generated", "registry-before.ts"), before);
  const uses = componentUses(n);
  writeFileSync(join(root, "calls.ts"), uses.calls);
  writeFileSync(join(root, "direct.ts"), uses.direct);
  const sources = ["apps", "framework", "config"];
  const configs = {
    none: [sources, spocTypes],
    registry: [[...sources, "generated/registry.ts"], spocTypes],
    calls: [[...sources, "generated/registry.ts", "calls.ts"], spocTypes],
    direct: [[...sources, "generated/registry.ts", "direct.ts"], spocTypes],
    checked: [[...sources, "generated/registry-checked.ts"], spocTypes],
    registryBefore: [[...sources, "generated/registry-before.ts"], join(beforeDist, "index.d.ts")],
    callsBefore: [[...sources, "generated/registry-before.ts", "calls.ts"], join(beforeDist, "index.d.ts")],
  } as const;
  type Config = keyof typeof configs;
  for (const [name, [include, types]] of Object.entries(configs)) {
    const config = JSON.parse(tsconfig(include)) as { compilerOptions: Record<string, unknown> };
    config.compilerOptions["paths"] = { spoc: [types] };
    writeFileSync(join(root, `tsconfig.${name}.json`), `${JSON.stringify(config, null, 2)}\n`);
  }
  measureTsc("TypeScript 7", [tscExecutable()], Object.keys(configs) as Config[], runs);
  // TypeScript 5 (the JavaScript compiler most users still run) is 3-4 times slower: fewer
  // variants, three runs each.
  const ts5 = typeScript5();
  if (ts5 !== undefined)
    measureTsc("TypeScript 5", [process.execPath, ts5], ["none", "registry", "calls", "direct", "callsBefore"], 3);

  function measureTsc(compiler: string, command: readonly string[], variants: readonly Config[], runs: number): void {
    const [executable, ...first] = command as [string, ...string[]];
    const version = runChild(executable, [...first, "--version"]).stdout.trim();
    log(`tsc: ${compiler} (${version}), ${variants.join(", ")}; ${runs} runs`);
    const check = (name: Config) => (): Sample =>
      runChild(executable, [...first, "-p", join(root, `tsconfig.${name}.json`), "--noEmit", "--extendedDiagnostics"], {
        cwd: root,
      });
    /** A figure of tsc's --extendedDiagnostics: "Check time" in ms, or a count such as "Types". */
    const stat = (samples: readonly Sample[], name: string): number =>
      median(
        samples.map((s) => {
          const match = new RegExp(`^${name}:\\s*([\\d.]+)(s?)`, "m").exec(s.stdout);
          return match ? Number(match[1]) * (match[2] === "s" ? 1000 : 1) : Number.NaN;
        }),
      );
    const samples = interleave(runs, Object.fromEntries(variants.map((name) => [name, check(name)]))) as Partial<
      Record<Config, Sample[]>
    >;
    const size = String(n);
    const of = (name: Config): Sample[] => samples[name] ?? [];
    const types = (name: Config): number => stat(of(name), "Types");
    const row = (
      measure: string,
      candidate: Config,
      baseline: Config | undefined,
      figure: "wall" | "cpu" | "check" | "types",
      target = "–",
      met?: (candidate: number, baseline: number) => boolean,
    ): void => {
      if (!variants.includes(candidate) || (baseline !== undefined && !variants.includes(baseline))) return;
      const value = (name: Config): number =>
        figure === "wall"
          ? ms(of(name))
          : figure === "cpu"
            ? (cpuMedian(of(name)) ?? Number.NaN)
            : figure === "check"
              ? stat(of(name), "Check time")
              : types(name);
      const median = value(candidate);
      const base = baseline === undefined ? undefined : value(baseline);
      rows.push({
        section: "tsc",
        measure: `${measure} (${compiler})`,
        size,
        median,
        baseline: base,
        unit: figure === "types" ? "count" : "ms",
        ...(figure === "wall" ? { rssMb: rss(of(candidate)) } : {}),
        target,
        ...(met !== undefined && base !== undefined ? { met: met(median, base) } : {}),
        runs: figure === "types" ? 1 : runs,
      });
    };
    row("tsc --noEmit, with registry vs without", "registry", "none", "wall", "≤ 1.10×", (c, b) => c <= 1.1 * b);
    row(
      "tsc --noEmit, file of 100 getComponent calls vs the same types named directly",
      "calls",
      "direct",
      "wall",
      "≤ 1.05×",
      (c, b) => c <= 1.05 * b,
    );
    row("tsc --noEmit, + file of 100 getComponent calls", "calls", "registry", "wall");
    row("tsc --noEmit, + file naming the 100 types directly", "direct", "registry", "wall");
    row("tsc --noEmit, 100 getComponent calls, stale-checked vs plain map", "calls", "callsBefore", "wall", "no worse");
    row("tsc --noEmit, registry, stale-checked vs plain map", "registry", "registryBefore", "wall");
    row("tsc CPU time, with registry vs without", "registry", "none", "cpu");
    row("tsc CPU time, + 100 getComponent calls", "calls", "registry", "cpu");
    row("tsc check time, with registry vs without", "registry", "none", "check");
    row("tsc check time, + 100 getComponent calls", "calls", "registry", "check");
    row("tsc check time, 100 calls, stale-checked vs plain map", "calls", "callsBefore", "check");
    row("tsc types created, with registry vs without", "registry", "none", "types");
    row("tsc types, + 100 getComponent calls", "calls", "registry", "types");
    row("tsc types, + the 100 types named directly", "direct", "registry", "types");
    row("tsc types, 100 calls, stale-checked vs plain map", "calls", "callsBefore", "types");
    row("tsc --noEmit, registry.ts type map checked vs without", "checked", "none", "wall", "(without @ts-nocheck)");
    row("tsc types, registry.ts type map checked vs without", "checked", "none", "types");
    log(`tsc ${n} ${compiler}: ${variants.map((name) => `${name} ${ms(of(name)).toFixed(0)} ms`).join(", ")}`);
  }
});

// ─── start ────────────────────────────────────────────────────────────────────
await section("start", async () => {
  const n = largest;
  const root = projectDir(n);
  ensureRegistry(n);
  const compiling = performance.now();
  const compiled = await compileProject(root);
  log(`start: compiled ${n} apps to JavaScript in ${(performance.now() - compiling).toFixed(0)} ms`);
  const measure = (label: string, run: (mode: "framework" | "loop") => Sample): void => {
    const variants = { loop: () => run("loop"), framework: () => run("framework") };
    variants.loop(); // warm the file system (and tsx's transform cache); not counted
    const samples = interleave(runs, variants);
    const loop = median(field(samples.loop, "ms"));
    const framework = median(field(samples.framework, "ms"));
    const size = String(n);
    rows.push({
      section: "start",
      measure: `Framework.start vs plain import loop, ${label}`,
      size,
      median: framework,
      baseline: loop,
      unit: "ms",
      rssMb: rss(samples.framework),
      target: n >= 1000 ? "≤ 1.10×" : "–",
      met: n >= 1000 ? framework <= 1.1 * loop : undefined,
      runs,
    });
    rows.push({
      section: "start",
      measure: `start process, framework vs loop, ${label}`,
      size,
      median: ms(samples.framework),
      baseline: ms(samples.loop),
      unit: "ms",
      rssMb: rss(samples.framework),
      target: "–",
      runs,
    });
    rows.push({
      section: "start",
      measure: `import registry + schema (before either), ${label}`,
      size,
      median: median(field(samples.framework, "registryMs")),
      unit: "ms",
      target: "–",
      runs,
    });
    rows.push({
      section: "start",
      measure: `Framework shutdown (hooks of every module), ${label}`,
      size,
      median: median(field(samples.framework, "shutdownMs")),
      unit: "ms",
      target: "–",
      runs,
    });
  };
  measure("node, compiled JS", (mode) => runChild(process.execPath, [compiled.startScript, compiled.root, mode]));
  if (values["start-tsx"]) measure("tsx", (mode) => runTs(script("start-once.ts"), [root, mode]));
});

// ─── watch ────────────────────────────────────────────────────────────────────
await section("watch", () => {
  const n = largest;
  const root = projectDir(n);
  ensureRegistry(n);
  interface Round {
    fromEventMs: number;
    fromWriteMs: number;
    runMs: number;
    /** Absent from a baseline checkout whose watch-once.ts predates it. */
    cpuMs?: number;
    written: boolean;
    registryTouched: boolean;
  }
  interface Session {
    readonly component: Round[];
    readonly body: Round[];
    readonly firstRunMs: number[];
    rssMb: number | undefined;
  }
  const baseline = values.baseline === undefined ? undefined : resolve(values.baseline);
  const checkouts = baseline === undefined ? [REPO_ROOT] : [baseline, REPO_ROOT];
  const sessions = new Map(
    checkouts.map((dir): [string, Session] => [dir, { component: [], body: [], firstRunMs: [], rssMb: undefined }]),
  );
  // With a baseline, three sessions each, interleaved (B A B A B A), so load drift hits both alike.
  for (let round = 0; round < (baseline === undefined ? 1 : 3); round++) {
    for (const dir of checkouts) {
      const sample = runTs(join(dir, "bench", "watch-once.ts"), [root, String(Math.max(runs, 10))]);
      const session = sessions.get(dir) as Session;
      session.component.push(...(sample.report["component"] as Round[]));
      session.body.push(...(sample.report["body"] as Round[]));
      session.firstRunMs.push(sample.report["firstRunMs"] as number);
      session.rssMb = Math.max(session.rssMb ?? 0, sample.rssMb ?? 0);
    }
  }
  const measured = (dir: string): Session => sessions.get(dir) as Session;
  for (const dir of checkouts) {
    const { component, body, rssMb } = measured(dir);
    const firstRunMs = median(measured(dir).firstRunMs);
    const of = dir === REPO_ROOT ? "" : ` (baseline ${dir})`;
    const allWritten = component.every((r) => r.written && r.registryTouched);
    const noneWritten = body.every((r) => !r.written && !r.registryTouched);
    const eventMs = median(component.map((r) => r.fromEventMs));
    log(
      `watch ${n}${of}: add a component, event → written per edit: ${component.map((r) => r.fromEventMs.toFixed(0)).join(" ")} ms; runs ${component.map((r) => r.runMs.toFixed(0)).join(" ")} ms`,
    );
    log(
      `watch ${n}${of}: edit a body, event → done per edit: ${body.map((r) => r.fromEventMs.toFixed(0)).join(" ")} ms`,
    );
    rows.push({
      section: "watch",
      measure: `watch: add a component, fs event → registry written${of}`,
      size: String(n),
      median: eventMs,
      baseline: firstRunMs,
      unit: "ms",
      rssMb,
      target: "≤ 20 ms, written",
      met: eventMs <= 20 && allWritten,
      runs: component.length,
    });
    rows.push({
      section: "watch",
      measure: `watch: add a component, write call → written${of}`,
      size: String(n),
      median: median(component.map((r) => r.fromWriteMs)),
      unit: "ms",
      target: "–",
      runs: component.length,
    });
    rows.push({
      section: "watch",
      measure: `watch: add a component, run (pipeline + write)${of}`,
      size: String(n),
      median: median(component.map((r) => r.runMs)),
      baseline: firstRunMs,
      unit: "ms",
      target: "–",
      runs: component.length,
    });
    for (const [what, rounds] of [
      ["add a component", component],
      ["edit a body", body],
    ] as const) {
      const cpu = rounds.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
      if (cpu.length > 0)
        rows.push({
          section: "watch",
          measure: `watch: ${what}, process CPU write call → run done${of}`,
          size: String(n),
          median: median(cpu),
          unit: "ms",
          target: "–",
          runs: cpu.length,
        });
    }
    rows.push({
      section: "watch",
      measure: `watch: start-up, watchProject() → first run delivered${of}`,
      size: String(n),
      median: firstRunMs,
      unit: "ms",
      target: "–",
      runs: measured(dir).firstRunMs.length,
    });
    rows.push({
      section: "watch",
      measure: `watch: edit a body, fs event → run done, not written${of}`,
      size: String(n),
      median: median(body.map((r) => r.fromEventMs)),
      unit: "ms",
      target: "registry untouched",
      met: noneWritten,
      runs: body.length,
    });
  }
  if (baseline !== undefined) {
    const ours = measured(REPO_ROOT);
    const theirs = measured(baseline);
    for (const [measure, pick] of [
      ["watch: add a component, fs event → written, vs baseline", (s: Session) => s.component],
      ["watch: edit a body, fs event → done, vs baseline", (s: Session) => s.body],
    ] as const) {
      rows.push({
        section: "watch",
        measure,
        size: String(n),
        median: median(pick(ours).map((r) => r.fromEventMs)),
        baseline: median(pick(theirs).map((r) => r.fromEventMs)),
        unit: "ms",
        target: "no worse",
        runs: pick(ours).length,
      });
    }
    for (const [measure, pick] of [
      ["watch: add a component, process CPU, vs baseline", (s: Session) => s.component],
      ["watch: edit a body, process CPU, vs baseline", (s: Session) => s.body],
    ] as const) {
      const cpu = (s: Session): number[] => pick(s).flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
      if (cpu(ours).length > 0 && cpu(theirs).length > 0)
        rows.push({
          section: "watch",
          measure,
          size: String(n),
          median: median(cpu(ours)),
          baseline: median(cpu(theirs)),
          unit: "ms",
          target: "no worse",
          runs: cpu(ours).length,
        });
    }
    rows.push({
      section: "watch",
      measure: "watch: start-up, vs baseline",
      size: String(n),
      median: median(ours.firstRunMs),
      baseline: median(theirs.firstRunMs),
      unit: "ms",
      target: "no worse",
      runs: ours.firstRunMs.length,
    });
  }
  // Watch edited files and the registry; regenerate cold so later runs see the synthetic project as written.
  runTs(script("gen-once.ts"), [root]);
});

// ─── workers ──────────────────────────────────────────────────────────────────
await section("workers", () => {
  const samples = interleave(runs, {
    thread: () => runTs(script("workers-once.ts"), ["thread"]),
    process: () => runTs(script("workers-once.ts"), ["process"]),
  });
  for (const [kind, label] of [
    ["thread", "ThreadWorker"],
    ["process", "ProcessWorker"],
  ] as const) {
    const stop = median(field(samples[kind], "stopMs"));
    const terminated = samples[kind].some((s) => s.report["terminated"] === true);
    rows.push({
      section: "workers",
      measure: `${label}: stop() → join(), sleeping 60 s`,
      size: "–",
      median: stop,
      unit: "ms",
      rssMb: rss(samples[kind]),
      target: "< 100 ms",
      met: stop < 100 && !terminated,
      runs,
    });
    rows.push({
      section: "workers",
      measure: `${label}: spawn → startup`,
      size: "–",
      median: median(field(samples[kind], "startupMs")),
      unit: "ms",
      target: "–",
      runs,
    });
  }
});

// ─── small ────────────────────────────────────────────────────────────────────
// The example (2 apps): what a small project pays for spoc in every build.
await section("small", async () => {
  const launcher = join(REPO_ROOT, "bin", "spoc.js");
  // Bundled as bin/spoc-dev.js bundles it: with code splitting, so what the commands load
  // lazily (cli-modules.ts) stays out of a `spoc gen` that has nothing to do.
  const cliBundleDir = join(runDir, "spoc-cli-small");
  const cliBundle = join(cliBundleDir, "cli.mjs");
  await build({
    entryPoints: [{ in: join(REPO_ROOT, "src", "codegen", "cli.ts"), out: "cli" }],
    outdir: cliBundleDir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  // The plugin compiled, as the published package ships it (dist/, built here by tsc).
  execFileSync("npm", ["run", "-s", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
  // The package as installed: that dist/ packed and unpacked into a node_modules/spoc (its
  // dependencies found, as node looks up the folders, in this repository's node_modules).
  const installed = join(runDir, "installed", "node_modules", "spoc");
  mkdirSync(installed, { recursive: true });
  const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", runDir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  }).trim();
  execFileSync("tar", ["xzf", join(runDir, tarball), "-C", installed, "--strip-components=1"]);
  const outdir = (name: string): string => join(runDir, `example-${name}`);
  // With --baseline, the other checkout's launcher and plugin too (its dist/ built beforehand).
  const base = values.baseline === undefined ? undefined : resolve(values.baseline);
  const variants: Record<string, () => Sample> = {
    node: () => runChild(process.execPath, ["-e", "0"]),
    cli: () => runChild(process.execPath, [launcher, "gen", "--root", REPO_ROOT]),
    bundle: () => runChild(process.execPath, [cliBundle, "gen", "--root", REPO_ROOT]),
    installed: () => runChild(process.execPath, [join(installed, "bin", "spoc.js"), "gen", "--root", REPO_ROOT]),
    without: () => runTs(script("build-once.ts"), ["without", outdir("without")]),
    sameOutput: () => runTs(script("build-once.ts"), ["same-output", outdir("same-output")]),
    with: () => runTs(script("build-once.ts"), ["with", outdir("with")]),
    ...(base !== undefined && {
      cliBase: () => runChild(process.execPath, [join(base, "bin", "spoc.js"), "gen", "--root", REPO_ROOT]),
      withBase: () => runTs(script("build-once.ts"), ["with", outdir("with-base"), base]),
    }),
  };
  interleave(1, variants);
  const samples = interleave(Math.max(runs, 7), variants);
  const of = (name: string): Sample[] => samples[name] ?? [];
  const node = ms(of("node"));
  for (const [name, label] of [
    ["cli", "spoc gen of the example, process (bin/spoc.js), vs node -e 0"],
    ["bundle", "spoc gen of the example, process (CLI bundled, node), vs node -e 0"],
    ["installed", "spoc gen of the example, process (the packed package's bin/spoc.js), vs node -e 0"],
  ] as const) {
    const value = ms(of(name));
    rows.push({
      section: "small",
      measure: label,
      size: "2",
      median: value,
      baseline: node,
      unit: "ms",
      rssMb: rss(of(name)),
      target: "≤ 150 ms",
      met: value <= 150,
      runs: of(name).length,
    });
    rows.push({
      section: "small",
      measure: `${label.replace(", vs node -e 0", "")}, CPU time, vs node -e 0`,
      size: "2",
      median: cpuMedian(of(name)) ?? Number.NaN,
      baseline: cpuMedian(of("node")),
      unit: "ms",
      target: "–",
      runs: of(name).length,
    });
  }
  const withPlugin = median(field(of("with"), "ms"));
  const without = median(field(of("without"), "ms"));
  const sameOutput = median(field(of("sameOutput"), "ms"));
  rows.push({
    section: "small",
    measure: "esbuild build of the example with spocPlugin() vs without",
    size: "2",
    median: withPlugin,
    baseline: without,
    unit: "ms",
    target: "≤ 1.2×",
    met: withPlugin <= 1.2 * without,
    runs: of("with").length,
  });
  // The plugin adds two entries (the registry, the worker child) and code splitting: output a
  // build without it does not make. These rows split the ratio above into that output and the
  // plugin's own cost (loading spoc's codegen, generating); CPU is this process's, not esbuild's.
  rows.push({
    section: "small",
    measure:
      "esbuild build of the example without the plugin: its output (+ registry, spoc-worker, splitting) vs without",
    size: "2",
    median: sameOutput,
    baseline: without,
    unit: "ms",
    target: "–",
    runs: of("sameOutput").length,
  });
  rows.push({
    section: "small",
    measure: "esbuild build of the example with spocPlugin() vs without, the same output",
    size: "2",
    median: withPlugin,
    baseline: sameOutput,
    unit: "ms",
    target: "≤ 1.2×",
    met: withPlugin <= 1.2 * sameOutput,
    runs: of("with").length,
  });
  rows.push({
    section: "small",
    measure: "the same, CPU time of the build's node process (esbuild's own excluded)",
    size: "2",
    median: median(field(of("with"), "cpuMs")),
    baseline: median(field(of("sameOutput"), "cpuMs")),
    unit: "ms",
    target: "–",
    runs: of("with").length,
  });
  if (base === undefined) return;
  for (const [name, baseName, label, value] of [
    ["cli", "cliBase", "spoc gen of the example (bin/spoc.js), vs baseline", ms],
    ["cli", "cliBase", "the same, CPU time, vs baseline", (list: Sample[]) => cpuMedian(list) ?? Number.NaN],
    ["with", "withBase", "esbuild build with spocPlugin(), vs baseline", (list: Sample[]) => median(field(list, "ms"))],
    [
      "with",
      "withBase",
      "the same, CPU time of the build's node process, vs baseline",
      (list: Sample[]) => median(field(list, "cpuMs")),
    ],
  ] as const) {
    rows.push({
      section: "small",
      measure: `${label} (${base})`,
      size: "2",
      median: value(of(name)),
      baseline: value(of(baseName)),
      unit: "ms",
      target: "–",
      runs: of(name).length,
    });
  }
});

// ─── cache ────────────────────────────────────────────────────────────────────
// `spoc check` of the largest project without its disk cache (cold) and with it (warm).
await section("cache", () => {
  const root = projectDir(largest);
  const cacheDir = join(root, "node_modules", ".cache", "spoc");
  const check = () => runChild(process.execPath, [join(REPO_ROOT, "bin", "spoc.js"), "check", "--root", root]);
  const edited = join(root, "apps", appName(Math.ceil(largest / 2)), "services.ts");
  const original = readFileSync(edited, "utf8");
  let edits = 0;
  const variants = {
    cold: () => {
      rmSync(cacheDir, { recursive: true, force: true });
      return check();
    },
    // Nothing changed since the last check: the stored result, after one stat per file.
    warm: check,
    // One file changed: the check runs again, parsing only that file (the scan's disk cache).
    edited: () => {
      appendFileSync(edited, `// edit ${++edits}\n`);
      return check();
    },
  };
  interleave(1, variants);
  const samples = interleave(runs, variants);
  writeFileSync(edited, original);
  const cold = ms(samples.cold);
  const warm = ms(samples.warm);
  rows.push({
    section: "cache",
    measure: "spoc check warm (result cache) vs cold, process",
    size: String(largest),
    median: warm,
    baseline: cold,
    unit: "ms",
    rssMb: rss(samples.warm),
    target: "≤ 0.25× cold",
    met: warm <= 0.25 * cold,
    runs,
  });
  const cpu = (name: "cold" | "warm" | "edited") => cpuMedian(samples[name]);
  rows.push({
    section: "cache",
    measure: "spoc check warm vs cold, CPU time",
    size: String(largest),
    median: cpu("warm"),
    baseline: cpu("cold"),
    unit: "ms",
    target: "–",
    runs,
  });
  rows.push({
    section: "cache",
    measure: "spoc check, one file edited since the last (scan cache) vs cold, process",
    size: String(largest),
    median: ms(samples.edited),
    baseline: cold,
    unit: "ms",
    rssMb: rss(samples.edited),
    target: "–",
    runs,
  });
  rows.push({
    section: "cache",
    measure: "spoc check, one file edited vs cold, CPU time",
    size: String(largest),
    median: cpu("edited"),
    baseline: cpu("cold"),
    unit: "ms",
    target: "–",
    runs,
  });
});

// ─── eslint ───────────────────────────────────────────────────────────────────
await section("eslint", () => {
  const root = projectDir(largest);
  const samples = interleave(Math.max(1, Math.ceil(runs / 2)), {
    session: () => runTs(script("eslint-once.ts"), [root, "40"]),
  }).session;
  const perFile = median(field(samples, "perFileMs"));
  rows.push({
    section: "eslint",
    measure: "spoc/eslint, warm lint of one file vs ESLint alone (same parser, no rule)",
    size: String(largest),
    median: perFile,
    baseline: median(field(samples, "bareMs")),
    unit: "ms",
    rssMb: rss(samples),
    target: "≤ 20 ms",
    met: perFile <= 20,
    runs: samples.length,
  });
  rows.push({
    section: "eslint",
    measure: "spoc/eslint, first lint of a session (whole project checked)",
    size: String(largest),
    median: median(field(samples, "firstMs")),
    unit: "ms",
    target: "–",
    runs: samples.length,
  });
});

// ─── peers ────────────────────────────────────────────────────────────────────
await section("peers", async () => {
  const { benchPeers } = await import("./peers.ts");
  rows.push(
    ...benchPeers(
      sizes.filter((n) => n >= 100),
      runs,
      projectDir,
      log,
    ),
  );
});

// ─── plugins ──────────────────────────────────────────────────────────────────
await section("plugins", async () => {
  const example = join(runDir, "example");
  for (const entry of ["apps", "config", "framework", "generated", "main.ts"]) {
    cpSync(join(REPO_ROOT, entry), join(example, entry), { recursive: true });
  }
  writeFileSync(join(example, "package.json"), '{ "type": "module" }\n');
  const { linkModules } = await import("../test/bundlers/_project.ts");
  await linkModules(join(example, "node_modules"));
  for (const tool of ["vite", "rollup", "webpack", "rspack", "esbuild"] as const) {
    const variants = {
      without: () => runTs(script("plugin-build.ts"), [tool, "without", example]),
      with: () => runTs(script("plugin-build.ts"), [tool, "with", example]),
    };
    interleave(1, variants); // warm the file system and caches; not counted
    const samples = interleave(runs, variants);
    const build = median(field(samples.with, "buildMs"));
    const plain = median(field(samples.without, "buildMs"));
    rows.push({
      section: "plugins",
      measure: `${tool} build of the example, with spoc's plugin vs without`,
      size: "–",
      median: build,
      baseline: plain,
      unit: "ms",
      rssMb: rss(samples.with),
      target: "≤ 1.2×",
      met: build <= 1.2 * plain,
      runs,
    });
    rows.push({
      section: "plugins",
      measure: `${tool} build, whole process (tool and plugin loading included)`,
      size: "–",
      median: ms(samples.with),
      baseline: ms(samples.without),
      unit: "ms",
      target: "–",
      runs,
    });
  }
});

// ─── queue ────────────────────────────────────────────────────────────────────
// Queue workers on a throwaway PostgreSQL; opt in with --only queue.
await section("queue", async () => {
  const { benchQueue } = await import("./queue.ts");
  rows.push(...(await benchQueue(Math.min(runs, 3), log)));
});

const table = formatTable(rows);
const totalS = (performance.now() - benchStarted) / 1000;
const footer = `Total ${totalS.toFixed(0)} s on ${cpus().length} cores, node ${process.version}; load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(" ")}.`;
process.stdout.write(`\n${table}\n\n${footer}\n`);
mkdirSync(PROJECTS_DIR, { recursive: true });
writeFileSync(join(PROJECTS_DIR, "last-run.md"), `${table}\n\n${footer}\n`);

/** A file with 100 `getComponent` calls spread over apps and modules. */
/**
 * A file of 100 `getComponent` calls across modules and apps (`calls`), and the same 100
 * component types named directly with `typeof import(…)` (`direct`): what using those types
 * costs without the registry.
 */
function componentUses(n: number): { calls: string; direct: string } {
  const names: Record<(typeof MODULES)[number], (entity: string) => string> = {
    models: (e) => e,
    views: (e) => `list${e}s`,
    services: (e) => `${e}Service`,
    workers: (e) => `${e}Worker`,
  };
  const entities = ["Account", "Invoice", "Product", "Review", "Shipment"];
  const calls = ['import type { Framework } from "spoc";', "", "declare const framework: Framework;", ""];
  const direct: string[] = [];
  for (let k = 0; k < 100; k++) {
    const module = MODULES[k % MODULES.length] as (typeof MODULES)[number];
    const entity = entities[Math.floor(k / MODULES.length) % entities.length] as string;
    const app = appName(1 + ((k * 37) % n));
    const name = names[module](entity);
    calls.push(
      `export const c${k} = framework.getComponent(${JSON.stringify(module)}, ${JSON.stringify(`${app}.${name}`)});`,
    );
    direct.push(`export declare const c${k}: typeof import(${JSON.stringify(`./apps/${app}/${module}.ts`)}).${name};`);
  }
  return { calls: `${calls.join("\n")}\n`, direct: `${direct.join("\n")}\n` };
}

/**
 * TypeScript 5's `tsc` (JavaScript), installed on first use into `bench/.typescript5/` with npm:
 * it cannot be a devDependency beside TypeScript 7, whose `tsc` binary has the same name.
 * `undefined` (and said) when npm cannot install it.
 */
function typeScript5(): string | undefined {
  const prefix = join(REPO_ROOT, "bench", ".typescript5");
  const tsc = join(prefix, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) {
    log("tsc: installing TypeScript 5 into bench/.typescript5 (npm install typescript@5)");
    const install = runChild("npm", ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "typescript@5"], {
      allowFailure: true,
    });
    if (!existsSync(tsc)) {
      log(`tsc: TypeScript 5 could not be installed, skipped: ${install.stdout.trim()}`);
      return undefined;
    }
  }
  return tsc;
}

/** The native TypeScript 7 compiler, without the node launcher in front of it. */
function tscExecutable(): string {
  const native = join(
    REPO_ROOT,
    "node_modules",
    "@typescript",
    `typescript-${process.platform}-${process.arch}`,
    "lib",
    "tsc",
  );
  return existsSync(native) ? native : join(REPO_ROOT, "node_modules", ".bin", "tsc");
}
