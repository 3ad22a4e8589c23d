/**
 * The last stage: put the rendered texts on disk, only when they differ from what is there,
 * and atomically (a temporary file in the same folder, then a rename), so a reader — tsc,
 * esbuild, a watcher — never sees half a file and an unchanged registry keeps its mtime.
 *
 * The registry's files are replaced together (`replaceTogether`): every temporary file is
 * written before the first rename, and a rename that fails puts back the files already
 * replaced. What a kill between two renames can still leave, the runtime refuses (each file
 * carries the generation it belongs to). Temporary files a killed run left behind are removed
 * by the next write to the folder. The replaced files keep their mode.
 *
 * The file system calls are synchronous: for one file of megabytes they take about half the
 * time of their promise versions (no thread-pool round trips), and nothing else runs meanwhile.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writevSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileAccessError } from "../../system-error.ts";

export interface WriteOptions {
  /**
   * What the caller knows `path` holds (`null`: that it does not exist), e.g. the text it
   * wrote itself and whose mtime and size it has checked; the file is then not read back.
   */
  readonly current?: string | null | undefined;
  /** The caller has compared: `path` holds something else, so it is written without a look. */
  readonly differs?: boolean;
  /** `content` encoded as UTF-8, when the caller has it. */
  readonly encoded?: Buffer;
}

/** One file to replace with `replaceTogether`. */
export interface Replacement {
  /** Absolute. */
  readonly path: string;
  readonly content: string;
  /** `content` as UTF-8, when the caller has it: whole, or in pieces written one after the other. */
  readonly encoded?: Buffer | readonly Buffer[];
  /** What the file holds now, when the caller knows (`null`: it does not exist); read otherwise, to put it back on failure. */
  readonly current?: string | null | undefined;
}

/**
 * Writes `content` to `path` unless the file already holds exactly that; creates the folder.
 * @returns whether the file was written.
 * @throws SpocError (SPOC020) naming the path when the file system refuses.
 */
export async function writeIfChanged(path: string, content: string, options: WriteOptions = {}): Promise<boolean> {
  const current =
    options.differs === true ? undefined : options.current !== undefined ? options.current : readIfExists(path);
  if (current === content) return false;
  replaceTogether([
    { path, content, ...(options.encoded && { encoded: options.encoded }), ...(current !== undefined && { current }) },
  ]);
  return true;
}

/**
 * Replaces every file of `files`, in order, as one change: all temporary files are written
 * first; when a rename fails, the files already replaced get their old content back and the
 * error is thrown. Files of one folder or several.
 * @throws SpocError (SPOC020) naming the path when the file system refuses.
 */
export function replaceTogether(files: readonly Replacement[], options: { readonly root?: string } = {}): void {
  const staged: { readonly file: Replacement; readonly temporary: string }[] = [];
  try {
    for (const folder of new Set(files.map((file) => dirname(file.path)))) {
      mkdirSync(folder, { recursive: true });
      removeLeftovers(folder);
    }
    for (const file of files) {
      const temporary = temporaryPath(file.path);
      staged.push({ file, temporary });
      writeContent(temporary, file);
      const mode = modeOf(file.path);
      if (mode !== undefined) chmodSync(temporary, mode);
    }
  } catch (error) {
    for (const { temporary } of staged) removeQuietly(temporary);
    throw located(error, staged.at(-1)?.file.path, options.root);
  }
  const previous = files.map((file) => (file.current !== undefined ? file.current : readQuietly(file.path)));
  let done = 0;
  try {
    for (const { file, temporary } of staged) {
      renameSync(temporary, file.path);
      done++;
    }
  } catch (error) {
    for (const { temporary } of staged.slice(done)) removeQuietly(temporary);
    for (let i = done - 1; i >= 0; i--) putBack(staged[i]?.file.path as string, previous[i]);
    throw located(error, staged[done]?.file.path, options.root);
  }
}

/** Writes `file`'s content to the new file `path`; its pieces, when it has them, without joining them. */
function writeContent(path: string, file: Replacement): void {
  const { encoded } = file;
  if (encoded === undefined || Buffer.isBuffer(encoded)) {
    writeFileSync(path, encoded ?? file.content, encoded === undefined ? "utf8" : undefined);
    return;
  }
  const fd = openSync(path, "w");
  try {
    writeAll(fd, encoded as readonly Buffer[]);
  } finally {
    closeSync(fd);
  }
}

/** `writev` until every byte of `chunks` is written (a call may write fewer, and takes at most `IOV_MAX` pieces). */
function writeAll(fd: number, chunks: readonly Buffer[]): void {
  let pending = chunks.filter((chunk) => chunk.length > 0);
  while (pending.length > 0) {
    let written = writevSync(fd, pending.slice(0, IOV_MAX));
    let done = 0;
    while (done < pending.length && written >= (pending[done] as Buffer).length) {
      written -= (pending[done] as Buffer).length;
      done++;
    }
    pending = pending.slice(done);
    if (written > 0) pending[0] = (pending[0] as Buffer).subarray(written);
  }
}

/** The fewest pieces one `writev` takes on the systems Node runs on. */
const IOV_MAX = 1024;

/** `.<name>.<pid>.<random>.tmp` beside `path`. */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

const LEFTOVER = /^\..+\.(\d+)\.[0-9a-f]{8}\.(tmp|old)$/;

/** Removes the temporary files of writers to `folder` that no longer run (killed mid-write). */
function removeLeftovers(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = LEFTOVER.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) removeQuietly(join(folder, name));
  }
}

/** Whether a process with this id runs (ours is not writing now: writes are synchronous). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function modeOf(path: string): number | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? undefined : stat.mode & 0o7777;
}

/** Restores `path` to `content` (`null`: removes it) after a failed change, as well as it can. */
function putBack(path: string, content: string | null | undefined): void {
  if (content === undefined) return;
  try {
    if (content === null) rmSync(path, { force: true });
    else replaceTogether([{ path, content, current: content }]);
  } catch {
    // the generation stamp in each file makes the runtime refuse what is left
  }
}

/** A system error as an SPOC020 naming `path` (a rename's error names the temporary file). */
function located(error: unknown, path: string | undefined, root?: string): unknown {
  return fileAccessError(error, root, path) ?? error;
}

/** Cleans up after a failed write without hiding why it failed. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a leftover dotfile: the next write to the folder removes it
  }
}

function readQuietly(path: string): string | null | undefined {
  try {
    return readIfExists(path);
  } catch {
    return undefined;
  }
}

/**
 * The text of the file at `path`, or `null` when there is none.
 * @throws SpocError (SPOC020) naming `path` (relative to `root` when given) when it cannot be read.
 */
export function readIfExists(path: string, root?: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw located(error, path, root);
    return null;
  }
}
