/**
 * The project root an app runs from (`Framework.start({ baseDir })`): the folder holding
 * `config/`. Found from the entry file, so the same code works from the sources
 * (`main.ts` at the root) and from a bundle (`dist/main.js`, one level down).
 */
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, ErrorCode } from "./errors.ts";

const CONFIG_DIR = "config";

/**
 * The nearest folder at or above `from` (a file or folder, as a path, a `file:` URL
 * string or a URL: pass `import.meta.url`) that has a `config/` folder.
 * @throws ConfigError SPOC132 naming every folder searched when none has.
 */
export function findBaseDir(from: string | URL): string {
  const start = toPath(from);
  const searched: string[] = [];
  let dir = isDirectory(start) ? start : dirname(start);
  for (;;) {
    searched.push(dir);
    if (isDirectory(join(dir, CONFIG_DIR))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ConfigError(
        ErrorCode.BaseDirNotFound,
        `no project root with a config/ folder at or above ${start}; searched:\n${searched.map((f) => `  ${f}`).join("\n")}`,
        { hint: "run the app from inside its project (config/ beside the bundle's folder), or pass baseDir yourself" },
      );
    }
    dir = parent;
  }
}

/**
 * Fails when `baseDir` has no `config/` folder: a wrong root would otherwise run the app
 * with default settings and no `.env`.
 * @throws ConfigError SPOC132 naming the folder.
 */
export function assertBaseDir(baseDir: string): void {
  if (isDirectory(join(baseDir, CONFIG_DIR))) return;
  throw new ConfigError(ErrorCode.BaseDirNotFound, `baseDir ${resolve(baseDir)} has no config/ folder`, {
    hint: "pass the project root (the folder with config/); findBaseDir(import.meta.url) finds it from the entry file, in the sources and in a bundle",
  });
}

function toPath(from: string | URL): string {
  if (from instanceof URL) return fileURLToPath(from);
  return from.startsWith("file:") ? fileURLToPath(from) : resolve(from);
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
