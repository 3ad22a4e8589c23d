/**
 * The package as a user meets it: `npm pack` of a copy of this repository, installed into a
 * fresh project outside it, `spoc init`, `spoc check`, tsc (TypeScript 5.x from the project
 * and 7.x from this repository; module nodenext and bundler; with and without skipLibCheck)
 * under the strict flags of the template's tsconfig, the esbuild build with `spoc()` from
 * `spoc/esbuild` (packages external, then everything bundled), `node dist/main.js` running
 * one ThreadWorker and one ProcessWorker (exit 0 and no process left behind), and what a
 * `spoc gen` with nothing to do loads.
 *
 * It needs the npm registry for the project's packages (npm's cache makes reruns fast).
 * Set SPOC_SKIP_PACKAGE_TEST=1 to skip it.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deserialize, serialize } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackage, type PackResult } from "../_built-package.ts";
import { askParseWorker } from "../codegen/_parse-worker.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const tsc7 = join(repo, "node_modules", "typescript", "bin", "tsc");
let work = "";
let tarball = "";
let packed: PackResult;

/** The environment without npm's own variables (this test may run under `npm test`). */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
) as NodeJS.ProcessEnv;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...env, NO_COLOR: "1" }, timeout, maxBuffer: 32 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr }),
    );
  });
}

async function ok(command: string, args: readonly string[], cwd: string): Promise<Run> {
  const result = await run(command, args, cwd);
  expect(result.code, `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** Processes whose command line names `dir` (a worker child outliving its parent would). */
function processesIn(dir: string): string[] {
  const lines = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n");
  return lines.filter((line) => line.includes(dir) && !line.includes("ps -eo"));
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t").map(Number)[0]! * 1024;
}

const MARK = "(from the record)";

/** Marks the description in `app`'s generation record: a `spoc gen` answering from it then prints it. */
async function markRecord(app: string): Promise<void> {
  const folder = join(app, "node_modules", ".cache", "spoc");
  const records = (await readdir(folder)).filter((name) => /^generation-.*\.bin$/.test(name));
  expect(records).toHaveLength(1);
  const file = join(folder, records[0]!);
  const stored = deserialize(await readFile(file)) as { outcome: { description: string } };
  stored.outcome.description = MARK;
  await writeFile(file, serialize(stored));
}

const skip = process.env["SPOC_SKIP_PACKAGE_TEST"] === "1";

describe.skipIf(skip)("the packed package, installed", () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "spoc-installed-"));
    // The tarball of a build and `npm pack` of a copy of the repository (../_built-package.ts),
    // made once for all the tests that install spoc; prepack, which runs the build before a
    // real `npm pack`, is checked below.
    ({ tarball, packed } = await builtPackage());
  }, 120_000);

  afterAll(async () => {
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  it("builds dist/ before it is packed", async () => {
    const manifest = JSON.parse(await readFile(join(repo, "package.json"), "utf8"));
    expect(manifest.scripts.prepack).toBe("npm run build");
  });

  it("holds dist/, bin/spoc.js, README, LICENSE and package.json, nothing else", () => {
    const files = packed.files.map((file) => file.path).sort();
    expect(files.filter((file) => !file.startsWith("dist/"))).toEqual([
      "LICENSE",
      "README.md",
      "bin/spoc.js",
      "package.json",
    ]);
    expect(files.filter((file) => !/^dist\/.+\.(js|d\.ts|d\.ts\.map)$/.test(file))).toEqual([
      "LICENSE",
      "README.md",
      "bin/spoc.js",
      "dist/build-id",
      "package.json",
    ]);
    for (const entry of [
      "index",
      "codegen/index",
      "workers/index",
      "workers/child",
      "codegen/cli",
      "codegen/scan/parse-worker",
    ]) {
      for (const extension of [".js", ".d.ts", ".d.ts.map"]) expect(files).toContain(`dist/${entry}${extension}`);
    }
  });

  it("inits a project that checks, type-checks, builds and runs its workers", async () => {
    const app = join(work, "app");
    const started = Date.now();
    // As `npx spoc init` does: spoc installed first, then the project's own install.
    await mkdir(app);
    await ok("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], app);
    await rm(join(app, "package.json"));
    await rm(join(app, "package-lock.json"));
    const init = await ok(join(app, "node_modules", ".bin", "spoc"), ["init", "."], app);
    expect(init.stdout).toContain("spoc init: created a spoc project in");
    const manifest = JSON.parse(await readFile(join(app, "package.json"), "utf8"));
    manifest.dependencies.spoc = `file:${tarball}`;
    await writeFile(join(app, "package.json"), JSON.stringify(manifest, null, 2));
    const installStarted = Date.now();
    await ok("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], app);
    const installMs = Date.now() - installStarted;
    const steps: string[] = [];
    let stepStarted = Date.now();
    const step = (name: string): void => {
      steps.push(`${name} ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
      stepStarted = Date.now();
    };

    expect(await ok("npx", ["spoc", "check"], app)).toMatchObject({ stdout: "0 errors, 0 warnings\n" });
    // ScanCache is opaque in the shipped types: its state is @internal and stripped.
    const cacheTypes = await readFile(join(app, "node_modules/spoc/dist/codegen/cache.d.ts"), "utf8");
    expect(cacheTypes).toMatch(/export interface ScanCache \{\n(?: {4}.*\n)* {4}parses: number;\n\}/);
    step("spoc check");
    // spoc/codegen (the esbuild plugin's entry) ships as one module (scripts/bundle-dist.mjs):
    // a build that loads it links a few files, not about seventy.
    const codegenEntry = await readFile(join(app, "node_modules/spoc/dist/codegen/index.js"), "utf8");
    const imports = new Set([...codegenEntry.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]));
    expect([...imports].filter((specifier) => !specifier?.startsWith("node:")).sort()).toEqual([
      "../errors.js",
      "oxc-parser",
      // its native binding, whose result the scan reads without the module record and comments
      "oxc-parser/src-js/bindings",
    ]);

    // A cold gen of a large project parses on threads started from this file, beside the bundle.
    const schema = join(app, "config", "schema.ts");
    const parsed = await askParseWorker(join(app, "node_modules/spoc/dist/codegen/scan/parse-worker.js"), [schema]);
    expect(parsed).toEqual([expect.objectContaining({ path: schema, hash: expect.any(String) })]);

    const tsc5 = join(app, "node_modules", "typescript", "bin", "tsc");
    expect((await ok(process.execPath, [tsc5, "--version"], app)).stdout).toMatch(/^Version 5\./);
    expect((await ok(process.execPath, [tsc7, "--version"], app)).stdout).toMatch(/^Version 7\./);
    // Every combination under TypeScript 7; under 5.x (slow: seconds per run) the template's
    // own settings, and bundler resolution without skipLibCheck. Both run side by side.
    const nodenext: string[] = [];
    const bundler = ["--module", "preserve", "--moduleResolution", "bundler"];
    const checks = async (tsc: string, variants: [string[], string][]): Promise<void> => {
      for (const [resolution, skipLibCheck] of variants) {
        await ok(process.execPath, [tsc, "-p", ".", ...resolution, "--skipLibCheck", skipLibCheck], app);
      }
    };
    await Promise.all([
      checks(tsc5, [
        [nodenext, "true"],
        [bundler, "false"],
      ]),
      checks(tsc7, [
        [nodenext, "true"],
        [nodenext, "false"],
        [bundler, "true"],
        [bundler, "false"],
      ]),
    ]);
    step("tsc 5 x2 and 7 x4");

    // spoc left in node_modules (the template), then bundled with everything else.
    const build = await readFile(join(app, "build.ts"), "utf8");
    for (const variant of ["external", "bundled"]) {
      if (variant === "bundled") {
        await writeFile(join(app, "build.ts"), build.replace(/^ {2}packages: "external",\n/m, ""));
      }
      await ok("npm", ["run", "build"], app);
      for (const entry of ["main.js", "registry.js", "spoc-worker.js"])
        expect(existsSync(join(app, "dist", entry))).toBe(true);
      const bundle = (
        await Promise.all(
          (
            await readdir(join(app, "dist"))
          )
            .filter((f) => f.endsWith(".js"))
            .map((f) => readFile(join(app, "dist", f), "utf8")),
        )
      ).join("\n");
      expect(bundle.includes('from "spoc"'), variant).toBe(variant === "external");

      const start = await ok(process.execPath, ["dist/main.js"], app);
      expect(start.stdout).toMatch(
        /^Hello, world!\nGreeterThread greeted [1-9]\d* times\nGreeterProcess greeted [1-9]\d* times\n$/,
      );
      expect(processesIn(app)).toEqual([]);
      step(`build and run (${variant})`);
    }

    await ok("npm", ["test"], app);
    expect(processesIn(app)).toEqual([]);
    step("npm test");

    // The CLI ships bundled, its commands' code in chunks loaded when a command runs: a second
    // `spoc gen` (nothing to do) loads spoc's CLI, some of its chunks and errors.js, and no
    // generator (no parser), as a module loader hook that logs every module loaded sees.
    const loadLog = join(work, "loaded.txt");
    await writeFile(
      join(work, "log-loads.mjs"),
      `import { appendFileSync } from "node:fs";
       export async function load(url, context, next) {
         appendFileSync(${JSON.stringify(loadLog)}, url + "\\n");
         return next(url, context);
       }`,
    );
    await writeFile(
      join(work, "register.mjs"),
      `import { register } from "node:module"; register("./log-loads.mjs", import.meta.url);`,
    );
    await ok(join(app, "node_modules", ".bin", "spoc"), ["gen"], app);
    await rm(loadLog, { force: true });
    const gen = await ok(
      process.execPath,
      ["--import", join(work, "register.mjs"), "node_modules/spoc/bin/spoc.js", "gen"],
      app,
    );
    expect(gen.stdout).toMatch(/^spoc gen: generated\/registry\.ts unchanged /);
    const spocDir = pathToFileURL(join(app, "node_modules", "spoc")).href;
    const loaded = (await readFile(loadLog, "utf8"))
      .split("\n")
      .filter((url) => url !== "" && !url.startsWith("node:"))
      .map((url) => (url.startsWith(`${spocDir}/`) ? url.slice(spocDir.length + 1) : url));
    const chunks = loaded.filter((file) => /^dist\/codegen\/cli-chunk-\w+\.js$/.test(file));
    expect(chunks.length).toBeGreaterThan(0);
    expect(loaded.sort()).toEqual(["bin/spoc.js", "dist/codegen/cli.js", ...chunks, "dist/errors.js"].sort());

    // The generation record stands for spoc's build by dist/build-id (scripts/bundle-dist.mjs),
    // with dist/codegen/index.js: another build-id (a rebuild whose output differs, here in
    // the CLI's chunks alone) gives a full generation; without a build-id, so does a changed chunk.
    const spocBin = join(app, "node_modules", ".bin", "spoc");
    const buildId = join(app, "node_modules", "spoc", "dist", "build-id");
    expect(await readFile(buildId, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
    await markRecord(app);
    expect((await ok(spocBin, ["gen"], app)).stdout).toContain(MARK);
    await writeFile(buildId, "another build\n");
    expect((await ok(spocBin, ["gen"], app)).stdout).not.toContain(MARK);
    await markRecord(app);
    expect((await ok(spocBin, ["gen"], app)).stdout).toContain(MARK);
    await rm(buildId);
    expect((await ok(spocBin, ["gen"], app)).stdout).not.toContain(MARK);
    await markRecord(app);
    expect((await ok(spocBin, ["gen"], app)).stdout).toContain(MARK);
    const chunk = join(app, "node_modules", "spoc", chunks[0]!);
    await writeFile(chunk, `${await readFile(chunk, "utf8")}\n// rebuilt\n`);
    expect((await ok(spocBin, ["gen"], app)).stdout).not.toContain(MARK);

    const nodeModules = sizeOf(join(app, "node_modules"));
    const typescript = sizeOf(join(app, "node_modules", "typescript"));
    console.log(
      `package: tarball ${(packed.size / 1024).toFixed(0)} kB (${packed.files.length} files, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked); ` +
        `spoc init project: node_modules ${(nodeModules / 2 ** 20).toFixed(1)} MB, ${((nodeModules - typescript) / 2 ** 20).toFixed(1)} MB besides typescript; ` +
        `npm install ${(installMs / 1000).toFixed(1)} s; whole test ${((Date.now() - started) / 1000).toFixed(0)} s (${steps.join(", ")})`,
    );
  }, 180_000);
});
