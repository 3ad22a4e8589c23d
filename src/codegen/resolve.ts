/**
 * Resolving relative module specifiers the way Node and TypeScript (with
 * `allowImportingTsExtensions`) do for this project's sources. Bare specifiers (packages) and
 * path aliases are not followed: they cannot name a file of this project's apps.
 */
import { dirname, join, resolve as resolvePath } from "node:path";
import { statFile } from "./cache.ts";

/** What one run knows about which files exist, so each path is asked of the file system once. */
export interface FileExistence {
  /** Absolute path → whether it is a file. */
  readonly files: Map<string, boolean>;
  /** Directories whose whole listing is in `files`: a path in them not listed does not exist. */
  readonly listed: Set<string>;
}

export function createFileExistence(): FileExistence {
  return { files: new Map(), listed: new Set() };
}

/** Records a directory listing: its files exist, nothing else directly inside it does. */
export function recordListing(existence: FileExistence, directory: string, files: readonly string[]): void {
  existence.listed.add(directory);
  for (const file of files) existence.files.set(join(directory, file), true);
}

/** Whether `path` is a file. */
export function fileExists(existence: FileExistence, path: string): boolean {
  let exists = existence.files.get(path);
  if (exists === undefined) {
    exists = existence.listed.has(dirname(path)) ? false : statFile(path) !== undefined;
    existence.files.set(path, exists);
  }
  return exists;
}

/** Candidate files for `specifier`, most likely first. */
export function candidateFiles(base: string): string[] {
  if (/\.[cm]?tsx?$/.test(base)) return [base];
  if (/\.[cm]?jsx?$/.test(base)) return [base.replace(/\.([cm]?)js(x?)$/, ".$1ts$2"), base];
  return [`${base}.ts`, `${base}/index.ts`, `${base}.tsx`, `${base}/index.tsx`];
}

/**
 * The absolute file a relative `specifier` written in `fromFile` names, or `undefined` for a
 * bare specifier or a file that does not exist.
 */
export function resolveSpecifier(existence: FileExistence, fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && specifier !== "." && specifier !== "..") return undefined;
  const base = resolvePath(dirname(fromFile), specifier);
  return candidateFiles(base).find((candidate) => fileExists(existence, candidate));
}
