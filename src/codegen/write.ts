/**
 * The last stage: put the rendered text on disk, only when it differs from what is there, and
 * atomically (a temporary file in the same folder, then a rename), so a reader — tsc, esbuild,
 * a watcher — never sees half a file and an unchanged registry keeps its mtime.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `content` to `path` unless the file already holds exactly that; creates the folder.
 * @returns whether the file was written.
 */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  let current: string | undefined;
  try {
    current = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (current === content) return false;
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return true;
}
