/**
 * `spoc check`'s result cache (node_modules/.cache/spoc/check-*.bin): a check of an unchanged
 * project serves the stored result; an edit (even one that keeps the size and restores the
 * mtime), a new file, a deleted file and a configuration change each give the result a run
 * without any cache gives; a corrupt or foreign cache is ignored and replaced, never trusted.
 */
import { existsSync, utimesSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { afterAll, describe, expect, it } from "vitest";
import { checkCacheFile } from "../../src/codegen/check-cache.ts";
import { runCli } from "../../src/codegen/cli.ts";
import { runPipeline } from "../../src/codegen/index.ts";
import { formatBaseline, toBaseline } from "../../src/codegen/report/baseline.ts";
import { checkReport, toCheckJson } from "../../src/codegen/report/check-report.ts";
import { editKeepingStat, PINNED, untilStatsVouch } from "../codegen/_stat.ts";
import { copyFixture, importBlogHelper, removeCopies, replaceBlogHelperFolderByFile } from "./_project.ts";

afterAll(removeCopies);

/** `spoc check --format json` in this process, as the CLI prints it. */
async function check(root: string, ...args: string[]): Promise<{ code: number; report: unknown }> {
  let stdout = "";
  const io = { stdout: (text: string) => void (stdout += text), stderr: () => {}, color: false };
  const code = await runCli(["check", "--format", "json", "--root", root, ...args], io);
  return { code, report: stdout === "" ? undefined : (JSON.parse(stdout) as unknown) };
}

/** What `spoc check --format json` reports from a run of the pipeline without any cache. */
async function uncached(root: string): Promise<unknown> {
  return JSON.parse(JSON.stringify(toCheckJson(checkReport(await runPipeline({ root })))));
}

interface Stored {
  outcome: { silenced: number; diagnostics: { code: string }[] };
  inputs: { files: { path: string; trusted: boolean }[] };
}

async function readStored(root: string): Promise<Stored> {
  return deserialize(await readFile(checkCacheFile(root))) as Stored;
}

const violation = 'import { UserService } from "../users/services.ts";';
const noViolation = 'import { UserService } from "../users/nowhere0.ts";';

describe("spoc check's result cache", () => {
  it("serves the stored result while nothing changed", async () => {
    const root = await copyFixture("layer-violation");
    const first = await check(root);
    expect(first.report).toEqual(await uncached(root));
    expect(existsSync(checkCacheFile(root))).toBe(true);
    // A stored result with one field changed is what the next check prints: it was not recomputed.
    const stored = await readStored(root);
    stored.outcome.silenced = 42;
    await writeFile(checkCacheFile(root), serialize(stored));
    const second = await check(root);
    expect(second.report).toEqual({ ...(first.report as object), silenced: 42 });
    expect(second.code).toBe(first.code);
  });

  it("checks again when a path it read now sits under a file (ENOTDIR)", async () => {
    const root = await copyFixture("cli-clean");
    await importBlogHelper(root);
    const first = await check(root);
    expect(first.code).toBe(0);
    await replaceBlogHelperFolderByFile(root);
    expect(await check(root)).toEqual({ code: 0, report: await uncached(root) });
    expect(await check(root)).toEqual({ code: 0, report: await uncached(root) });
  });

  it("sees an edit, a new file, a deleted file and a configuration change", async () => {
    const root = await copyFixture("layer-violation");
    const steps: [string, () => Promise<void>][] = [
      [
        "an edit keeping the size and mtime",
        () => editKeepingStat(join(root, "apps/blog/models.ts"), violation, noViolation),
      ],
      ["an edit back", () => editKeepingStat(join(root, "apps/blog/models.ts"), noViolation, violation)],
      ["a deleted module file", () => rm(join(root, "apps/users/views.ts"))],
      [
        "a new file where a module was looked for",
        async () => {
          await mkdir(join(root, "apps/users/views"));
          await writeFile(join(root, "apps/users/views/index.ts"), "export const nothing = 1;\n");
        },
      ],
      ["a new app folder", () => mkdir(join(root, "apps/extra"))],
      ["a deleted app folder", () => rm(join(root, "apps/extra"), { recursive: true })],
      [
        "config/settings.ts",
        async () => {
          const file = join(root, "config/settings.ts");
          await writeFile(file, (await readFile(file, "utf8")).replace('"users", "blog"', '"users"'));
        },
      ],
      [
        "config/spoc.toml",
        async () => {
          const file = join(root, "config/spoc.toml");
          await writeFile(file, `${await readFile(file, "utf8")}\n[spoc.check]\nignore = ["SPOC008"]\n`);
        },
      ],
      ["config/spoc.toml deleted", () => rm(join(root, "config/spoc.toml"))],
    ];
    let before = (await check(root)).report;
    for (const [change, apply] of steps) {
      await apply();
      const after = (await check(root)).report;
      const expected = await uncached(root);
      expect(after, change).toEqual(expected);
      expect(after, `${change} changes the report`).not.toEqual(before);
      before = after;
    }
  });

  it("trusts a file's stat only when it was written well before the run, and still sees a restored mtime", async () => {
    const root = await copyFixture("layer-violation");
    utimesSync(join(root, "apps/blog/models.ts"), PINNED, PINNED);
    await check(root);
    // Just written: every file is compared by content next time.
    expect((await readStored(root)).inputs.files.every((file) => !file.trusted)).toBe(true);
    await untilStatsVouch();
    await check(root); // compares by content, records the stats as trusted
    const files = (await readStored(root)).inputs.files;
    expect(files.length).toBeGreaterThan(5);
    expect(files.every((file) => file.trusted)).toBe(true);
    // The change time moves with any write, so restoring the mtime does not hide the edit.
    await editKeepingStat(join(root, "apps/blog/models.ts"), violation, noViolation);
    const after = await check(root);
    expect(after.report).toEqual(await uncached(root));
    expect((after.report as { diagnostics: unknown[] }).diagnostics).toEqual([]);
  });

  it("applies the baseline to the stored result, read afresh each time", async () => {
    const root = await copyFixture("layer-violation");
    const baseline = join(root, "baseline.json");
    expect((await check(root, "--baseline", baseline, "--update-baseline")).code).toBe(0);
    expect((await check(root, "--baseline", baseline)).code).toBe(0);
    await writeFile(baseline, formatBaseline(toBaseline([])));
    expect((await check(root, "--baseline", baseline)).code).toBe(1);
  });

  it.each([
    ["garbage", () => Buffer.from("not a cache at all")],
    ["a foreign serialization", () => serialize({ hello: "world" })],
  ])("ignores %s and replaces it", async (_, content) => {
    const root = await copyFixture("layer-violation");
    await check(root);
    await writeFile(checkCacheFile(root), content());
    expect((await check(root)).report).toEqual(await uncached(root));
    expect((await readStored(root)).outcome.diagnostics.length).toBe(1);
  });

  it.each([
    ["another spoc's cache", (stored: Record<string, unknown>) => ({ ...stored, version: "0.0.0 other" })],
    ["another project's cache", (stored: Record<string, unknown>) => ({ ...stored, root: "/elsewhere" })],
    [
      "a cache whose diagnostics are not diagnostics",
      (stored: Record<string, unknown>) => ({ ...stored, outcome: { silenced: 42, diagnostics: [{ code: "NOPE" }] } }),
    ],
    [
      "a cache whose files are not files",
      (stored: Record<string, unknown>) => ({
        ...stored,
        inputs: { ...(stored.inputs as object), files: [{ path: 1 }] },
      }),
    ],
  ])("ignores %s", async (_, tamper) => {
    const root = await copyFixture("layer-violation");
    await check(root);
    const stored = deserialize(await readFile(checkCacheFile(root))) as Stored & Record<string, unknown>;
    // Made to say something else: were it trusted, the report would show it.
    stored.outcome.silenced = 42;
    await writeFile(checkCacheFile(root), serialize(tamper(stored)));
    expect((await check(root)).report).toEqual(await uncached(root));
  });

  it("is skipped, not fatal, when it cannot be written", async () => {
    const root = await copyFixture("layer-violation");
    await writeFile(join(root, "node_modules"), "");
    expect((await check(root)).report).toEqual(await uncached(root));
    expect((await check(root)).report).toEqual(await uncached(root));
  });
});
