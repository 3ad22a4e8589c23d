/** Editing a file so its size and mtime stay what they were: only its content and change time move. */
import { statSync, utimesSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { expect } from "vitest";

/** A whole second, so an mtime set to it can be set back exactly (`utimes` takes seconds as a double). */
export const PINNED = 1_700_000_000;

/** Replaces `from` with `to` (of the same length) in `file`, and sets its mtime back to `PINNED`. */
export async function editKeepingStat(file: string, from: string, to: string): Promise<void> {
  expect(to.length).toBe(from.length);
  utimesSync(file, PINNED, PINNED);
  const { size, mtimeMs } = statSync(file);
  const text = await readFile(file, "utf8");
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
  utimesSync(file, PINNED, PINNED);
  expect(statSync(file).size).toBe(size);
  expect(statSync(file).mtimeMs).toBe(mtimeMs);
}

/** Waits until files written now are old enough for their stat to vouch for their content. */
export function untilStatsVouch(): Promise<void> {
  return new Promise((done) => setTimeout(done, 2_100));
}
