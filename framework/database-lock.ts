/**
 * One run of the app per database at a time. Two runs on one SQLite file would clear each
 * other's rows and deliver each other's email; the second one must stop before it changes
 * anything, saying which process holds the database.
 *
 * SQLite: a lock file beside the database (`<file>.lock`), created exclusively, holding the
 * owner's process id and command line. A lock whose process is gone (a run killed with
 * SIGKILL) is taken over. Workers open their own connections without it: they belong to the
 * run that holds the lock.
 *
 * On PostgreSQL the run holds a session-level advisory lock instead (database-postgres.ts,
 * `pg_try_advisory_lock(<hash of the database name>)`): the server releases it when the
 * session closes, however the process ended, and it works across machines, which a lock
 * file cannot.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError, ErrorCode } from "spoc";

/** A held lock; `release()` removes it (idempotent). */
export interface DatabaseLock {
  release(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

/**
 * Locks the SQLite database file `file` for this process.
 * @throws ConfigError (`DatabaseInUse`, SPOC108) naming the database and the process that
 *   holds it, when another running process does.
 */
export function lockDatabase(file: string): DatabaseLock {
  const path = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, command: process.argv.join(" "), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, owner, file)) return releaseOnce(path);
    const holder = readOwner(path);
    // Taken again by another run each time we removed a stale lock: it is in use.
    if ((holder !== undefined && holder.pid !== process.pid && isRunning(holder.pid)) || attempt >= 3) {
      const who =
        holder === undefined
          ? "another process"
          : `process ${holder.pid} (${holder.command}), running since ${holder.since}`;
      throw new ConfigError(ErrorCode.DatabaseInUse, `the database ${file} is in use by ${who}`, {
        hint: `wait for that run to end or stop it${holder === undefined ? "" : ` (kill ${holder.pid})`}; or point DB_NAME in config/.env at another file to run both`,
      });
    }
    // Its process is gone (killed), or it names no process: the lock is stale.
    removeStale(path, holder);
  }
}

/**
 * Removes the stale lock `judged`, and only it. Another run may have taken the stale lock over
 * since it was read: the lock is moved aside (atomically) and checked there, and a live one
 * moved by mistake is put back, so two runs starting after a crash never both hold it.
 */
function removeStale(path: string, judged: LockOwner | undefined): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // removed meanwhile: try to create it again
  }
  const moved = readOwner(aside);
  if (moved !== undefined && (judged === undefined || moved.pid !== judged.pid)) {
    try {
      linkSync(aside, path);
    } catch {
      // Another run created a lock in the instant between: it holds the database.
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Creates the lock file whole or not at all: the owner is written to a file of this process's
 * own, then hard-linked to the lock's name, which fails when the lock exists. Another run never
 * reads a lock file half written (and would take it for a stale one).
 */
function tryCreate(path: string, owner: LockOwner, file: string): boolean {
  const own = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(own, `${JSON.stringify(owner)}\n`);
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw lockError(error, path, file);
  } finally {
    rmSync(own, { force: true });
  }
}

function releaseOnce(path: string): DatabaseLock {
  let held = true;
  return {
    release(): void {
      if (!held) return;
      held = false;
      rmSync(path, { force: true });
    },
  };
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number"
      ? { pid: owner.pid, command: String(owner.command ?? "?"), since: String(owner.since ?? "?") }
      : undefined;
  } catch {
    return undefined; // just removed, or not a lock this code wrote
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockError(cause: unknown, path: string, file: string): ConfigError {
  return new ConfigError(
    ErrorCode.DatabaseUnusable,
    `cannot create the lock file ${path} for the database ${file}: ${(cause as Error).message}`,
    {
      hint: `make the database's folder writable, or set DB_NAME in config/.env to a file in a writable folder`,
      cause,
    },
  );
}
