/** Writing a set of new files without ever replacing one. */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { TemplateFile } from "./templates/types.ts";

/** Some of the files to create are there already; nothing was written. */
export class ExistingFilesError extends Error {
  /** The files in the way, relative to the folder, sorted. */
  readonly files: readonly string[];

  constructor(dir: string, files: readonly string[], fix: string) {
    super(
      `${dir} already has ${files.length === 1 ? "a file" : "files"} spoc would write:\n${files.map((file) => `  ${file}\n`).join("")}${fix}`,
    );
    this.name = "ExistingFilesError";
    this.files = files;
  }
}

/** Writes every file under `dir`, or none when any of them exists (then throws naming them). */
export async function writeNewFiles(dir: string, files: readonly TemplateFile[], fix: string): Promise<void> {
  const existing = files.map((file) => file.path).filter((path) => existsSync(join(dir, path)));
  if (existing.length > 0) throw new ExistingFilesError(dir, existing.sort(), fix);
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text, { flag: "wx" });
  }
}
