/**
 * spoc as a user installs it: `npm run build`, then `npm pack`, and the tarball's contents, for
 * the tests that install spoc into a project the way a user does (the packed package, the
 * bundler fixtures). Those then run on plain node, as a user's build does, instead of loading
 * spoc's TypeScript through tsx, which costs more than the build itself (tsx's hooks see every
 * module vite or webpack loads).
 *
 * Built from a copy of what the build reads, so a test never empties or replaces the
 * repository's own dist/, into node_modules/.cache/spoc-test/package-<fingerprint>/ (the
 * tarball, what `npm pack --json` said of it, and `package/`, its contents), and built again
 * only when one of those files changes (or package-lock.json, or this recipe). One process
 * builds it at a time, holding package-<fingerprint>.lock; the others wait for it. The vitest
 * config's global setup starts the build without waiting for it, so the files that do not
 * need it start at once, and a file that does waits in its `builtPackage()`.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cp, link, mkdir, readdir, readFile, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { isRunning } from "./_pid.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const cache = join(repo, "node_modules", ".cache", "spoc-test");

/** What `npm run build` and `npm pack` read (with node_modules). */
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
/** What else decides the package's bytes: the tools' versions, and how it is made here. */
const recipe = ["package-lock.json", "test/_built-package.ts"];

/** A build (or a lock) this old is left from a run that is gone; so is an unused package. */
const STALE_MS = 10 * 60_000;

/** What `npm pack --json` says of the tarball it made. */
export interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
  readonly size: number;
  readonly unpackedSize: number;
}

export interface BuiltPackage {
  /** The package's folder as npm installs it: the tarball's contents. */
  readonly root: string;
  /** The tarball. */
  readonly tarball: string;
  readonly packed: PackResult;
}

/** The built package: built first when missing or out of date, or waited for while another process builds it. */
export async function builtPackage(): Promise<BuiltPackage> {
  return (await startBuild()).built;
}

/**
 * Resolves once this process holds the build, or another one does, or it is built; the build
 * itself goes on in `built`. `retry`: build again what an earlier run failed to build (the
 * global setup's call), rather than report that failure (a test file's).
 */
export async function startBuild({ retry = false } = {}): Promise<{ readonly built: Promise<BuiltPackage> }> {
  const id = await fingerprint();
  const folder = join(cache, `package-${id}`);
  const lock = join(cache, `package-${id}.lock`);
  const failed = join(cache, `package-${id}.failed`);
  await mkdir(cache, { recursive: true });
  if (retry) await rm(failed, { force: true });
  for (;;) {
    const done = await found(folder);
    if (done !== undefined) return { built: Promise.resolve(done) };
    if (existsSync(failed)) throw new Error(readFileSync(failed, "utf8"));
    if (await takeLock(lock)) {
      const built = (async () => {
        try {
          return (await found(folder)) ?? (await build(folder, failed));
        } finally {
          if (holderOf(lock) === process.pid) await rm(lock, { force: true });
        }
      })();
      return { built };
    }
    if (isStale(lock)) {
      await rm(lock, { force: true });
      continue;
    }
    return { built: waitForBuild(lock) };
  }
}

/** The package in `folder`, if it is built (marked as used). */
async function found(folder: string): Promise<BuiltPackage | undefined> {
  const record = join(folder, "pack.json");
  if (!existsSync(record)) return undefined;
  const packed = JSON.parse(await readFile(record, "utf8")) as PackResult;
  const now = new Date();
  await utimes(folder, now, now).catch(() => {});
  return { root: join(folder, "package"), tarball: join(folder, packed.filename), packed };
}

/** Takes `lock` when no process holds it: the pid is written to a file of our own, then linked as the lock. */
async function takeLock(lock: string): Promise<boolean> {
  const mine = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    await link(mine, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await rm(mine, { force: true });
  }
}

/** The build of the process holding `lock`, once it is done (or taken over, when that process is gone). */
async function waitForBuild(lock: string): Promise<BuiltPackage> {
  const deadline = Date.now() + STALE_MS;
  while (existsSync(lock) && !isStale(lock)) {
    if (Date.now() > deadline)
      throw new Error(`process ${holderOf(lock)} has been building spoc's package for 10 minutes: remove ${lock}`);
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

/** Held by no running process, or for longer than a build takes (a reused pid). */
function isStale(lock: string): boolean {
  const held = statSync(lock, { throwIfNoEntry: false });
  return held !== undefined && (!isRunning(holderOf(lock)) || Date.now() - held.mtimeMs > STALE_MS);
}

/** Builds and packs a copy of the inputs, and moves the result to `folder` in one rename. */
async function build(folder: string, failed: string): Promise<BuiltPackage> {
  const staging = join(cache, `building-${process.pid}-${randomBytes(4).toString("hex")}`);
  const source = join(staging, "source");
  try {
    for (const item of inputs) await cp(join(repo, item), join(source, item), { recursive: true });
    await symlink(join(repo, "node_modules"), join(source, "node_modules"), "dir");
    await run(
      process.execPath,
      [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      source,
    );
    await run(process.execPath, ["scripts/bundle-dist.mjs"], source);
    const pack = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", staging], source);
    const [packed] = JSON.parse(pack.slice(pack.indexOf("["))) as PackResult[];
    if (packed === undefined) throw new Error(`npm pack printed no result:\n${pack}`);
    await run("tar", ["-xzf", packed.filename], staging);
    await rm(source, { recursive: true, force: true });
    await writeFile(join(staging, "pack.json"), JSON.stringify(packed));
    await rename(staging, folder);
  } catch (error) {
    // The tests that need the package fail with this, rather than each build it again.
    await writeFile(failed, `building spoc's package failed: ${(error as Error).message}`);
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await removeOthers(folder);
  const built = await found(folder);
  if (built === undefined) throw new Error(`${folder} has no pack.json after its build`);
  return built;
}

/** Runs a command in `cwd`; its stdout, or an error with all it printed (tsc prints its errors on stdout). */
function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 32 << 20 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} (in ${cwd}): ${error.message}\n${stdout}${stderr}`));
    });
  });
}

/** A hash of every input file's path and content, and of the recipe's. */
async function fingerprint(): Promise<string> {
  const hash = createHash("sha256");
  for (const item of [...inputs, ...recipe]) {
    for (const file of filesUnder(join(repo, item))) {
      hash.update(`${relative(repo, file)}\0`).update(await readFile(file));
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/** `path` itself when it is a file, or the files below it, sorted; none when it does not exist. */
function filesUnder(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (!stat.isDirectory()) return [path];
  const names = readdirSync(path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.flatMap((name) => filesUnder(join(path, name)));
}

/**
 * What earlier runs left: packages of other sources unused for a while (renamed away first, so
 * a half-removed one never looks built), builds of processes that are gone, and their locks.
 */
async function removeOthers(keep: string): Promise<void> {
  for (const name of await readdir(cache)) {
    const path = join(cache, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined || path === keep) continue;
    const builder = /^building-(\d+)-/.exec(name)?.[1];
    const unused = Date.now() - stat.mtimeMs > STALE_MS;
    if (
      (name.startsWith("package-") && stat.isDirectory() && unused) ||
      (builder !== undefined && !isRunning(Number(builder))) ||
      name.startsWith("trash-") ||
      (name.endsWith(".lock") && isStale(path)) ||
      (name.endsWith(".failed") && unused)
    ) {
      const trash = join(cache, `trash-${randomBytes(4).toString("hex")}`);
      await rename(path, trash).catch(() => {});
      await rm(trash, { recursive: true, force: true });
    }
  }
}
