/**
 * spoc as `npm run build` makes it and `npm pack` ships it (package.json, bin/, dist/, README,
 * LICENSE), for the tests that install spoc into a project the way a user does: the packed
 * package and the bundler fixtures. Those then run on plain node, as a user's build does,
 * instead of loading spoc's TypeScript through tsx, which costs more than the build itself
 * (tsx's hooks see every module vite or webpack loads).
 *
 * Built from a copy of what the build reads, so a test never empties or replaces the
 * repository's own dist/, into node_modules/.cache/spoc-test/package-<fingerprint>/, and
 * built again only when one of those files changes. One process builds it at a time, holding
 * package-<fingerprint>.lock; the others wait for it. The vitest config's global setup starts
 * the build without waiting for it, so the files that do not need it start at once, and a file
 * that does waits in its `builtPackage()`.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const repo = fileURLToPath(new URL("..", import.meta.url));
const cache = join(repo, "node_modules", ".cache", "spoc-test");

/** What `npm run build` reads (with node_modules), and what the package ships besides dist/. */
const inputs = [
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "src",
  "scripts",
  "bin",
  "README.md",
  "LICENSE",
];
/** What `npm pack` ships of them (package.json's `files`, and what npm always adds), with dist/. */
const shipped = ["package.json", "bin", "dist", "README.md", "LICENSE"];

/** The folder of the built package: built first when missing or out of date. */
export async function builtPackage(): Promise<string> {
  return (await startBuild()).built;
}

/**
 * Resolves once this process builds the package, or another one does, or it is built: the
 * build itself goes on in `built`.
 */
export async function startBuild(): Promise<{ readonly built: Promise<string> }> {
  const id = await fingerprint();
  const folder = join(cache, `package-${id}`);
  const lock = join(cache, `package-${id}.lock`);
  await mkdir(cache, { recursive: true });
  for (;;) {
    if (existsSync(join(folder, "dist", "build-id"))) return { built: Promise.resolve(folder) };
    const taken = await writeFile(lock, `${process.pid}\n`, { flag: "wx" }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return false;
        throw error;
      },
    );
    if (taken) return { built: build(folder).finally(() => rm(lock, { force: true })) };
    if (!isRunning(holderOf(lock))) {
      // Its builder died (a killed run): take the build over.
      await rm(lock, { force: true });
      continue;
    }
    return { built: waitForBuild(folder, lock) };
  }
}

/** The package's folder once the process holding `lock` has built it; built here if it gave up. */
async function waitForBuild(folder: string, lock: string): Promise<string> {
  while (existsSync(lock) && isRunning(holderOf(lock))) {
    if (existsSync(join(folder, "dist", "build-id"))) return folder;
    await sleep(100);
  }
  return (await startBuild()).built;
}

function holderOf(lock: string): number {
  try {
    return Number(readFileSync(lock, "utf8").trim());
  } catch {
    return 0;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function build(folder: string): Promise<string> {
  const staging = await mkdtemp(join(cache, "building-"));
  try {
    for (const item of inputs) await cp(join(repo, item), join(staging, item), { recursive: true });
    await symlink(join(repo, "node_modules"), join(staging, "node_modules"), "dir");
    const run = promisify(execFile);
    await run(process.execPath, [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
      cwd: staging,
    });
    await run(process.execPath, ["scripts/bundle-dist.mjs"], { cwd: staging });
    // What a user's node_modules/spoc holds: the package's files, not what built them.
    for (const item of ["node_modules", ...inputs.filter((input) => !shipped.includes(input))])
      await rm(join(staging, item), { recursive: true, force: true });
    const { files } = JSON.parse(await readFile(join(staging, "package.json"), "utf8")) as { files: string[] };
    for (const name of await readdir(join(staging, "bin")))
      if (!files.includes(`bin/${name}`)) await rm(join(staging, "bin", name));
    await rename(staging, folder).catch((error: NodeJS.ErrnoException) => {
      // Built meanwhile by a process that found no lock (one whose builder had died): it stands.
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await removeOthers(folder);
  return folder;
}

/** A hash of every input file's path and content. */
async function fingerprint(): Promise<string> {
  const hash = createHash("sha256");
  for (const item of inputs) {
    const path = join(repo, item);
    const files = existsSync(path) ? await filesUnder(path) : [];
    for (const file of files) hash.update(`${relative(repo, file)}\0`).update(await readFile(file));
  }
  return hash.digest("hex").slice(0, 16);
}

async function filesUnder(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true, recursive: true }).catch(() => undefined);
  if (entries === undefined) return [path];
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Packages built from earlier sources, and builds that were interrupted, once a newer one stands. */
async function removeOthers(keep: string): Promise<void> {
  for (const name of await readdir(cache)) {
    const path = join(cache, name);
    if (path !== keep && name.startsWith("package-") && !name.endsWith(".lock"))
      await rm(path, { recursive: true, force: true });
  }
}
