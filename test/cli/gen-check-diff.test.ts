/**
 * `spoc gen --check` on a stale registry prints a diff about the size of the change, not of
 * the file: adding one app to a 100-app project changes a few dozen lines of files that are
 * thousands of lines long.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { synthesize } from "../../bench/synth.ts";
import { runSpoc } from "./_project.ts";

let root: string | undefined;
afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

it("prints about twice the changed lines when one app is added to 100", async () => {
  root = await mkdtemp(join(tmpdir(), "spoc-diff-"));
  synthesize(101, root);
  const settings = join(root, "config/settings.ts");
  const all = await readFile(settings, "utf8");
  await writeFile(settings, all.replace('    "app101",\n', ""));
  expect((await runSpoc(["gen", "--root", root])).code).toBe(0);

  await writeFile(settings, all);
  const stale = await runSpoc(["gen", "--check", "--root", root]);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toContain("generated/registry.ts is stale");
  const printed = stale.stdout.split("\n").filter((line) => line !== "");
  const changed = printed.filter((line) => /^[-+](?!--|\+\+)/.test(line));
  // app101's app entry, 4 modules, 4 load order entries, 20 components and 20 type map members.
  expect(changed.filter((line) => line.startsWith("+") && line.includes("app101")).length).toBeGreaterThanOrEqual(49);
  // Only the generation stamp of each file changes besides the additions.
  expect(changed.filter((line) => line.startsWith("-") && !/generation: "|typesGeneration: "/.test(line))).toEqual([]);
  // 49 changed lines, 109 printed with 3 lines of context per hunk and the files' headers (the
  // longest-common-subsequence diff this replaced printed 4,847 lines here).
  expect(printed.length).toBeLessThanOrEqual(2.5 * changed.length);
}, 120_000);
