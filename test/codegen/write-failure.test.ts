/**
 * A write that fails half-way leaves the registry as it was and no stray files: the rename
 * over the registry is made to fail after the temporary file and the second link exist.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const failing = vi.hoisted(() => ({ rename: false }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      if (failing.rename)
        throw Object.assign(new Error(`EXDEV: cross-device link not permitted, rename '${from}' -> '${to}'`), {
          code: "EXDEV",
        });
      fs.renameSync(from, to);
    },
  };
});

const { writeIfChanged } = await import("../../src/codegen/write/write-if-changed.ts");

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("writeIfChanged when the rename fails", () => {
  it.each([false, true])(
    "keeps the old file and removes its own temporary files (release in background: %s)",
    async (releaseInBackground) => {
      const dir = await mkdtemp(join(tmpdir(), "spoc-write-fail-"));
      dirs.push(dir);
      const path = join(dir, "registry.data.js");
      expect(await writeIfChanged(path, "old\n")).toBe(true);
      failing.rename = true;
      try {
        await expect(writeIfChanged(path, "new\n", { releaseInBackground })).rejects.toThrow(/EXDEV/);
      } finally {
        failing.rename = false;
      }
      expect(await readFile(path, "utf8")).toBe("old\n");
      expect(await readdir(dir)).toEqual(["registry.data.js"]);
    },
  );
});
