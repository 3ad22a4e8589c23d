/**
 * Temp copies of the bundler fixture, each with a node_modules as a user's project has: spoc
 * itself (built as it ships: ../_built-package.ts), its dependencies, and the build tools
 * installed in test/bundlers (`npm ci --prefix test/bundlers`, as .ci/run does).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtPackage } from "../_built-package.ts";
import { repoRoot } from "../cli/_project.ts";

export const toolsRoot = join(repoRoot, "test", "bundlers");
const toolModules = join(toolsRoot, "node_modules");
/**
 * Whether to run the tests that need the build tools (`npm ci --prefix test/bundlers`): when
 * they are installed, and always in CI, where their absence must fail rather than skip.
 */
export const toolsInstalled = existsSync(join(toolModules, "vite", "package.json")) || process.env["CI"] === "true";

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
  // A link to the built package resolves packages from the repository's node_modules, which
  // has them all: without some, the package is copied instead.
  const spoc = (await builtPackage()).root;
  if (without.length === 0) await symlink(spoc, join(target, "spoc"), "dir");
  else await cp(spoc, join(target, "spoc"), { recursive: true });
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` in `cwd`: plain node, as a user's build runs (spoc is built JavaScript). */
export function runNode(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
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
  webpack: [join(toolsRoot, "_build.mjs"), "webpack"],
  rspack: [join(toolsRoot, "_build.mjs"), "rspack"],
  esbuild: ["esbuild.config.mjs"],
} as const satisfies Record<string, readonly string[]>;

export type Tool = keyof typeof tools;

/** Builds the project at `root` with `tool`, as its CLI (or a script using its API) would. */
export function build(tool: Tool, root: string): Promise<Run> {
  return runNode(tools[tool], root);
}
