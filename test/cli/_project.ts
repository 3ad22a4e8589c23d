/** Temp copies of fixture projects and a way to run the CLI against them. */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildOptions, Plugin } from "esbuild";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/**
 * The command a user runs: in this repository bin/spoc.js runs src/ bundled once by esbuild
 * (rebuilt when a source changes), a tenth of a second per run where tsx takes half a second.
 */
const cli = join(repoRoot, "bin", "spoc.js");

const created: string[] = [];

/** Copies `test/fixtures/<name>` to a fresh temp folder and returns its path. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `spoc-${name}-`));
  await cp(join(repoRoot, "test", "fixtures", name), dir, { recursive: true });
  created.push(dir);
  return dir;
}

/** Removes every temp copy made so far. */
export async function removeCopies(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `spoc <args>` in a child process, as a user would. */
export function runSpoc(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: options.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: "1", ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Polls `check` until it returns a value other than `undefined`, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts `spoc <args>` as a long-running child; its output accumulates in `output()`. */
export function startSpoc(args: readonly string[]): {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * Runs `script` (an ES module, TypeScript imports allowed) under tsx in a fresh process from
 * the repository, and returns what its last line of output says (JSON). For what only a fresh
 * process shows, such as which packages a command loads.
 */
export function runScript(script: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", TSX, "--input-type=module", "-e", script],
      { cwd: repoRoot, timeout: 60_000 },
      (error, stdout) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        if (line.startsWith("{")) resolve(JSON.parse(line));
        else reject(error ?? new Error(`no result: ${stdout}`));
      },
    );
  });
}

const HELPER_IMPORT = 'import { x } from "./lib/util.ts";\nvoid x;\n';

/** Makes apps/blog/services.ts of a cli-clean copy import a helper from apps/blog/lib/util.ts. */
export async function importBlogHelper(root: string): Promise<void> {
  await mkdir(join(root, "apps/blog/lib"));
  await writeFile(join(root, "apps/blog/lib/util.ts"), "export const x = 1;\n");
  const services = join(root, "apps/blog/services.ts");
  await writeFile(services, HELPER_IMPORT + (await readFile(services, "utf8")));
}

/**
 * Undoes `importBlogHelper`, and puts a file where the helper's folder was: a path the last
 * run read now sits under a file, so stating it fails (ENOTDIR).
 */
export async function replaceBlogHelperFolderByFile(root: string): Promise<void> {
  const services = join(root, "apps/blog/services.ts");
  await writeFile(services, (await readFile(services, "utf8")).replace(HELPER_IMPORT, ""));
  await rm(join(root, "apps/blog/lib"), { recursive: true });
  await writeFile(join(root, "apps/blog/lib"), "notes\n");
}

/** esbuild options that bundle a project's registry in memory with `plugin` (spoc's, in one of its forms). */
export function registryBuild(root: string, plugin: Plugin): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { registry: "generated/registry.ts" },
    outdir: join(root, "dist"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
    plugins: [plugin],
  };
}
