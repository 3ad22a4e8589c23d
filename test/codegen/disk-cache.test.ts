/**
 * The scan's results on disk (node_modules/.cache/spoc/): a second process parses only files
 * whose content changed, finds exactly what a run without the cache finds, and a corrupt,
 * foreign or stale cache is ignored and replaced, never trusted.
 */
import { existsSync, utimesSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { serialize } from "node:v8";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createScanCache, runPipeline } from "../../src/codegen/index.ts";
import { diskCacheFile } from "../../src/codegen/scan/disk-cache.ts";
import { copyFixture, removeCopies } from "../cli/_project.ts";
import { editKeepingStat, PINNED, untilStatsVouch } from "./_stat.ts";

/** Every file the code under test reads, by path. */
const reads = vi.hoisted(() => [] as string[]);
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === "string") reads.push(path);
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

afterAll(removeCopies);

/** A run in a "new process": a fresh in-memory cache, the disk cache on. */
async function run(root: string) {
  const cache = createScanCache();
  const result = await runPipeline({ root, cache, diskCache: true });
  return { result, parses: cache.parses };
}

describe("the disk cache", () => {
  it("lets a second run parse only what changed, with the same result as no cache", async () => {
    const root = await copyFixture("layer-violation");
    const plain = await runPipeline({ root });
    const first = await run(root);
    expect(existsSync(diskCacheFile(root))).toBe(true);
    expect(diskCacheFile(root)).toContain(join(root, "node_modules", ".cache", "spoc"));
    // Schema and settings are read every run; the 6 module files and components.ts were parsed once.
    expect(first.parses).toBe(9);
    const second = await run(root);
    expect(second.parses).toBe(2);
    expect(second.result.diagnostics).toEqual(plain.diagnostics);
    expect(second.result.model?.modules).toEqual(plain.model?.modules);

    const models = join(root, "apps/users/models.ts");
    await writeFile(models, `${await readFile(models, "utf8")}\n@model\nexport class Team {}\n`);
    const edited = await run(root);
    expect(edited.parses).toBe(3);
    expect(edited.result.model?.modules.flatMap((m) => m.components.map((c) => c.key))).toContain("users.Team");
  });

  it("does not read a file whose stat is the one recorded well after it was written, and sees an edit that keeps size and mtime", async () => {
    const root = await copyFixture("layer-violation");
    const models = join(root, "apps/blog/models.ts");
    utimesSync(models, PINNED, PINNED);
    const plain = await runPipeline({ root });
    await run(root);
    await untilStatsVouch();
    await run(root); // the stats now vouch for the contents: recorded
    const apps = join(root, "apps");
    reads.length = 0;
    const third = await run(root);
    expect(reads.filter((path) => path.startsWith(apps))).toEqual([]);
    expect(third.parses).toBe(2);
    expect(third.result.diagnostics).toEqual(plain.diagnostics);
    expect(third.result.model?.modules).toEqual(plain.model?.modules);

    await editKeepingStat(models, '"../users/services.ts"', '"../users/nowhere0.ts"');
    reads.length = 0;
    const edited = await run(root);
    expect(reads.filter((path) => path.startsWith(apps))).toEqual([models]);
    expect(edited.result.diagnostics).toEqual((await runPipeline({ root })).diagnostics);
    expect(edited.result.diagnostics).not.toEqual(plain.diagnostics);
  });

  it.each([
    ["garbage", Buffer.from("not a cache at all")],
    ["a foreign serialization", serialize({ hello: "world" })],
    [
      "another spoc version's cache",
      serialize({ magic: "spoc-scan-cache", format: 2, version: "0.0.0-other", files: new Map() }),
    ],
  ])("ignores %s and replaces it", async (_, content) => {
    const root = await copyFixture("layer-violation");
    const plain = await runPipeline({ root });
    await run(root);
    await writeFile(diskCacheFile(root), content);
    const after = await run(root);
    expect(after.parses).toBe(9);
    expect(after.result.diagnostics).toEqual(plain.diagnostics);
    expect((await run(root)).parses).toBe(2);
  });

  it("does not trust an entry whose facts are not facts", async () => {
    const root = await copyFixture("layer-violation");
    const plain = await runPipeline({ root });
    await run(root);
    const { deserialize } = await import("node:v8");
    const stored = deserialize(await readFile(diskCacheFile(root))) as {
      files: Map<string, { hash: string; facts: unknown }>;
    };
    for (const entry of stored.files.values()) entry.facts = { imports: "nope" };
    await writeFile(diskCacheFile(root), serialize(stored));
    const after = await run(root);
    expect(after.parses).toBe(9);
    expect(after.result.diagnostics).toEqual(plain.diagnostics);
  });

  it("is skipped, not fatal, when it cannot be written", async () => {
    const root = await copyFixture("layer-violation");
    // node_modules is a file: the cache folder cannot be created.
    await writeFile(join(root, "node_modules"), "");
    const plain = await runPipeline({ root });
    const result = (await run(root)).result;
    expect(result.diagnostics).toEqual(plain.diagnostics);
  });
});
