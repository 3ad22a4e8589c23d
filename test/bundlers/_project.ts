/**
 * Temp copies of the bundler fixture, each with a node_modules as a user's project has: spoc
 * itself (a link to this repository), its dependencies, and the build tools installed in
 * test/bundlers (`npm ci --prefix test/bundlers`, as .ci/run does).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../cli/_project.ts";

export const toolsRoot = join(repoRoot, "test", "bundlers");
const toolModules = join(toolsRoot, "node_modules");
/**
 * Whether to run the tests that need the build tools (`npm ci --prefix test/bundlers`): when
 * they are installed, and always in CI, where their absence must fail rather than skip.
 */
export const toolsInstalled = existsSync(join(toolModules, "vite", "package.json")) || process.env["CI"] === "true";
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const created: string[] = [];

/** A new temp folder, removed by `removeProjects`. */
export async function makeTempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `spoc-bundler-${name}-`));
  created.push(dir);
  return dir;
}

/**
 * Copies `test/bundlers/fixtures/<name>` to a temp folder with its node_modules linked in;
 * `without` lists packages left out, as in a project that has not installed them.
 */
export async function copyProject(name = "app", without: readonly string[] = []): Promise<string> {
  const dir = await makeTempDir(name);
  await cp(join(toolsRoot, "fixtures", name), dir, { recursive: true });
  await linkModules(join(dir, "node_modules"), without);
  return dir;
}

export async function removeProjects(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * Makes `target` (a project's node_modules) link every package of the repository's and the
 * tools' node_modules (the tools' win) but those in `without`, and `spoc` run from its sources.
 * The bench uses it too.
 */
export async function linkModules(target: string, without: readonly string[] = []): Promise<void> {
  const links = new Map<string, string>();
  for (const source of [join(repoRoot, "node_modules"), toolModules]) {
    for (const entry of readdirSync(source, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || !entry.isDirectory()) continue;
      if (!entry.name.startsWith("@")) {
        links.set(entry.name, join(source, entry.name));
        continue;
      }
      for (const scoped of readdirSync(join(source, entry.name))) {
        links.set(`${entry.name}/${scoped}`, join(source, entry.name, scoped));
      }
    }
  }
  for (const name of without) links.delete(name);
  await mkdir(target, { recursive: true });
  for (const [name, source] of links) {
    if (name.includes("/")) await mkdir(join(target, name.split("/")[0] ?? ""), { recursive: true });
    await symlink(source, join(target, name), "dir");
  }
  // A link to the repository's src/ resolves packages from the repository's node_modules,
  // which has them all: without some, spoc's sources are copied instead.
  await installSpocFromSources(join(target, "spoc"), without.length === 0 ? "link" : "copy");
}

/**
 * spoc as installed, but running its sources (as tsconfig.json's `paths` do in this
 * repository): package.json's exports point from dist/*.js to src/*.ts, and src/ links to
 * the repository's, so no `npm run build` is needed and dist/ is never read.
 */
async function installSpocFromSources(target: string, sources: "link" | "copy"): Promise<void> {
  const manifest = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { exports: object };
  const exports = JSON.stringify(manifest.exports)
    .replace(/"\.\/dist\/([^"]*)\.d\.ts"/g, '"./src/$1.ts"')
    .replace(/"\.\/dist\/([^"]*)\.js"/g, '"./src/$1.ts"');
  await mkdir(target, { recursive: true });
  await writeFile(join(target, "package.json"), JSON.stringify({ ...manifest, exports: JSON.parse(exports) }, null, 2));
  if (sources === "link") await symlink(join(repoRoot, "src"), join(target, "src"), "dir");
  else await cp(join(repoRoot, "src"), join(target, "src"), { recursive: true });
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` in `cwd` with tsx loaded (spoc's exports are TypeScript sources). */
export function runNode(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runPlainNode(["--import", tsx, ...args], cwd, env);
}

/** Runs `node <args>` in `cwd` as it is: for bundles with spoc inside, which need no tsx. */
export function runPlainNode(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The build tools, each with the command that builds the fixture into dist/. */
export const tools = {
  vite: ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"],
  rollup: ["node_modules/rollup/dist/bin/rollup", "-c", "--silent"],
  webpack: [join(toolsRoot, "_build.ts"), "webpack"],
  rspack: [join(toolsRoot, "_build.ts"), "rspack"],
  esbuild: ["esbuild.config.mjs"],
} as const satisfies Record<string, readonly string[]>;

export type Tool = keyof typeof tools;

/** Builds the project at `root` with `tool`, as its CLI (or a script using its API) would. */
export function build(tool: Tool, root: string): Promise<Run> {
  return runNode(tools[tool], root);
}
