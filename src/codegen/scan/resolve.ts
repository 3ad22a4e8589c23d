/**
 * Resolving relative module specifiers the way Node and TypeScript (with
 * `allowImportingTsExtensions`) do for this project's sources. Bare specifiers (packages) and
 * path aliases are not followed: they cannot name a file of this project's apps.
 */
import { relative as relativePath, resolve as resolvePath, sep } from "node:path";
import { statFile } from "../cache.ts";

/** What one run learnt about the file system: which paths are files, what specifiers resolve to. */
export interface FileExistence {
  /** Absolute path → whether it is a file. */
  readonly files: Map<string, boolean>;
  /** `"<directory>\0<specifier>"` → the resolved file. */
  readonly resolved: Map<string, string | undefined>;
}

export function createFileExistence(): FileExistence {
  return { files: new Map(), resolved: new Map() };
}

/** Whether `path` is a file. */
export function fileExists(existence: FileExistence, path: string): boolean {
  let exists = existence.files.get(path);
  if (exists === undefined) {
    exists = statFile(path) !== undefined;
    existence.files.set(path, exists);
  }
  return exists;
}

/** Candidate files for an extension-less or `.js` path, most likely first. */
function candidateFiles(base: string): string[] {
  if (base.endsWith(".ts") || /\.[cm]?tsx?$/.test(base)) return [base];
  if (/\.[cm]?jsx?$/.test(base)) return [base.replace(/\.([cm]?)js(x?)$/, ".$1ts$2"), base];
  return [`${base}.ts`, `${base}/index.ts`, `${base}.tsx`, `${base}/index.tsx`];
}

/**
 * The absolute file a relative `specifier` written in `fromFile` names, or `undefined` for a
 * bare specifier or a file that does not exist.
 */
export function resolveSpecifier(existence: FileExistence, fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && specifier !== "." && specifier !== "..")
    return undefined;
  const key = `${fromFile.slice(0, fromFile.lastIndexOf(sep))}\0${specifier}`;
  if (existence.resolved.has(key)) return existence.resolved.get(key);
  const base = joinRelative(fromFile, specifier);
  const found = candidateFiles(base).find((candidate) => fileExists(existence, candidate));
  existence.resolved.set(key, found);
  return found;
}

/** `path.resolve(dirname(fromFile), specifier)`, without its cost on POSIX paths. */
function joinRelative(fromFile: string, specifier: string): string {
  if (sep !== "/") return resolvePath(fromFile, "..", specifier);
  let dir = fromFile.slice(0, fromFile.lastIndexOf("/"));
  let rest = specifier;
  for (;;) {
    if (rest.startsWith("./")) rest = rest.slice(2);
    else if (rest.startsWith("../")) {
      dir = dir.slice(0, Math.max(dir.lastIndexOf("/"), 0));
      rest = rest.slice(3);
    } else break;
  }
  if (rest === "." || rest === "") return dir || "/";
  if (rest === "..") return dir.slice(0, Math.max(dir.lastIndexOf("/"), 0)) || "/";
  // Inner `..` or `.` segments are rare: leave them to the general algorithm.
  return rest.includes("/.") ? resolvePath(dir || "/", rest) : `${dir}/${rest}`;
}

/** `file` relative to `root`, with `/` separators. */
export function relativeTo(root: string, file: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const relative = file.startsWith(prefix) ? file.slice(prefix.length) : relativePath(root, file);
  return sep === "/" ? relative : relative.split(sep).join("/");
}
