/**
 * File-system failures as a person's problem to fix, not a bug in spoc: an `EACCES` while
 * writing `generated/`, a module file that is a symbolic link to itself, `apps` being a file.
 * Each becomes an SPOC020 that names the path and says what to do.
 */
import { isAbsolute, relative, sep } from "node:path";
import { ErrorCode, SpocError } from "./errors.ts";

/** What each error code means, and what to do about it (`{path}` is replaced). */
const EXPLAINED: Readonly<Record<string, { readonly what: string; readonly fix: string }>> = {
  EACCES: { what: "permission denied", fix: "give your user access to {path} (ls -l shows its owner and mode)" },
  EPERM: {
    what: "operation not permitted",
    fix: "{path} may be immutable or owned by another user: check `lsattr` and `ls -l`, or work on a copy you own",
  },
  EROFS: { what: "the file system is read-only", fix: "run from a copy of the project on a writable file system" },
  EISDIR: { what: "it is a folder, a file is expected", fix: "remove or rename the folder {path}" },
  ENOTDIR: {
    what: "a part of the path is a file, a folder is expected",
    fix: "replace the file in the way with a folder, or move it out of the way",
  },
  ELOOP: {
    what: "a symbolic link loops (it leads back to itself)",
    fix: "point the link {path} at a real file or folder (ls -l shows where it points)",
  },
  ENOENT: { what: "it does not exist", fix: "create {path}, or fix the name that refers to it" },
  ENOSPC: { what: "no space left on the device", fix: "free some disk space, then run again" },
  EDQUOT: { what: "disk quota exceeded", fix: "free some of your disk quota, then run again" },
  EMFILE: { what: "too many open files", fix: "raise the open-files limit (ulimit -n), then run again" },
  EBUSY: { what: "the file is busy", fix: "close the program holding {path}, then run again" },
};

const VERBS: Readonly<Record<string, string>> = {
  open: "open",
  read: "read",
  write: "write",
  rename: "replace",
  mkdir: "create the folder",
  scandir: "list the folder",
  stat: "look at",
  lstat: "look at",
  unlink: "remove",
  rmdir: "remove",
  realpath: "resolve",
  watch: "watch",
  copyfile: "copy",
  chmod: "change the mode of",
  link: "link",
  symlink: "link",
};

/** A Node.js system error (`fs`, `child_process`): it has an errno code like `EACCES`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === "string" &&
    /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code ?? "")
  );
}

/**
 * The SPOC020 for a system error, with its path shown relative to `root` (with `/`), or
 * `undefined` when `error` is not a system error of the file system.
 * @param path the path concerned, when the error does not carry one (or carries another).
 */
export function fileAccessError(error: unknown, root?: string, path?: string): SpocError | undefined {
  if (!isSystemError(error)) return undefined;
  const explained = EXPLAINED[error.code];
  const where = path ?? error.path;
  if (explained === undefined && where === undefined) return undefined;
  const shown = where === undefined ? undefined : displayPath(where, root);
  const verb = VERBS[error.syscall ?? ""] ?? "use";
  const what = explained?.what ?? error.message;
  const message = shown === undefined ? `${what} (${error.code})` : `cannot ${verb} ${shown}: ${what} (${error.code})`;
  const hint = (explained?.fix ?? "check that the path exists and is accessible, then run again").replaceAll(
    "{path}",
    shown ?? "the path",
  );
  return new SpocError(ErrorCode.FileAccess, message, { hint, cause: error });
}

/** `path` relative to `root` with `/` separators when inside it, else as given. */
function displayPath(path: string, root?: string): string {
  if (root === undefined || !isAbsolute(path)) return path.split(sep).join("/");
  const inside = relative(root, path);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return path;
  return inside.split(sep).join("/");
}
