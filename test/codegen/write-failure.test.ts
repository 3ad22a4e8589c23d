/**
 * The registry's files change together: when the rename of one fails (an immutable file, a
 * full disk), the files already replaced get their old content back, and no temporary file is
 * left. The rename over the last file is made to fail after the first one succeeded.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const failing = vi.hoisted(() => ({
  renameTo: undefined as string | undefined,
  /** At most this many bytes per `writev`, as a system may write fewer than asked. */
  writevBytes: undefined as number | undefined,
}));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      if (failing.renameTo !== undefined && to.endsWith(failing.renameTo))
        throw Object.assign(new Error(`EPERM: operation not permitted, rename '${from}' -> '${to}'`), {
          code: "EPERM",
          syscall: "rename",
          path: from,
          dest: to,
        });
      fs.renameSync(from, to);
    },
    writevSync: (fd: number, buffers: readonly NodeJS.ArrayBufferView[]) => {
      const limit = failing.writevBytes;
      if (limit === undefined) return fs.writevSync(fd, buffers);
      const first = buffers[0] as Buffer;
      return fs.writeSync(fd, first, 0, Math.min(limit, first.length));
    },
  };
});

const { replaceTogether, writeIfChanged } = await import("../../src/codegen/write/write-if-changed.ts");

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spoc-write-fail-"));
  dirs.push(dir);
  return dir;
}

describe("replacing a file with content in pieces", () => {
  it("writes every piece in order, more pieces than one writev takes, when each call writes fewer bytes than asked", async () => {
    const dir = await folder();
    const path = join(dir, "registry.ts");
    const pieces = Array.from({ length: 3000 }, (_, i) => Buffer.from(i % 7 === 0 ? "" : `é${i}\n`, "utf8"));
    const expected = Buffer.concat(pieces).toString("utf8");
    replaceTogether([{ path, content: expected, encoded: pieces }]);
    expect(await readFile(path, "utf8")).toBe(expected);
    const shorter = pieces.slice(1);
    const shorterText = Buffer.concat(shorter).toString("utf8");
    failing.writevBytes = 3;
    try {
      replaceTogether([{ path, content: shorterText, encoded: shorter }]);
    } finally {
      failing.writevBytes = undefined;
    }
    expect(await readFile(path, "utf8")).toBe(shorterText);
  });
});

describe("replacing the registry's files when a rename fails", () => {
  it("keeps the old file, removes its temporary file and names the path (SPOC020)", async () => {
    const dir = await folder();
    const path = join(dir, "registry.data.js");
    expect(await writeIfChanged(path, "old\n")).toBe(true);
    failing.renameTo = "registry.data.js";
    try {
      await expect(writeIfChanged(path, "new\n")).rejects.toThrow(
        /SPOC020|cannot replace .*registry\.data\.js: operation not permitted \(EPERM\)/,
      );
    } finally {
      failing.renameTo = undefined;
    }
    expect(await readFile(path, "utf8")).toBe("old\n");
    expect(await readdir(dir)).toEqual(["registry.data.js"]);
  });

  it("puts back the files already replaced: all old, never a mix", async () => {
    const dir = await folder();
    const data = join(dir, "registry.data.js");
    const types = join(dir, "registry.ts");
    replaceTogether([
      { path: data, content: "data 1\n" },
      { path: types, content: "types 1\n" },
    ]);
    failing.renameTo = "registry.ts";
    try {
      expect(() =>
        replaceTogether([
          { path: data, content: "data 2\n" },
          { path: types, content: "types 2\n" },
        ]),
      ).toThrow(/cannot replace .*registry\.ts/);
    } finally {
      failing.renameTo = undefined;
    }
    expect(await readFile(data, "utf8")).toBe("data 1\n");
    expect(await readFile(types, "utf8")).toBe("types 1\n");
    expect((await readdir(dir)).sort()).toEqual(["registry.data.js", "registry.ts"]);
  });
});
