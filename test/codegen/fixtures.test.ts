/**
 * One folder per case under test/fixtures/: a small project, with `expected.json` (the
 * diagnostics with their messages and hints, load order, kinds and components the generator
 * must find) and, for some, `expected-registry.ts` and `expected-registry.data.js` (the exact
 * registry files it must render). They are file snapshots (`toMatchFileSnapshot`): a change
 * fails with a diff. A folder is a case when it holds `expected.json`; to add one, create the
 * project and an empty `expected.json`, run `npx vitest run test/codegen/fixtures -u`, and
 * review what was written: the expected files are the spec.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runPipeline, type PipelineResult } from "../../src/codegen/index.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const cases = readdirSync(fixtures)
  .filter((name) => existsSync(join(fixtures, name, "expected.json")))
  .sort();

/** What a case pins down, in a form a person can review. */
function summarize(result: PipelineResult): unknown {
  return {
    diagnostics: result.diagnostics.map((d) => ({
      code: d.code,
      message: d.message,
      hint: d.hint ?? null,
      file: d.file,
      line: d.line,
      column: d.column,
      ...(d.cycle === undefined ? {} : { cycle: d.cycle }),
      ...(d.related === undefined ? {} : { related: d.related.map((r) => `${r.file}:${r.line}:${r.column}`) }),
    })),
    silenced: result.silenced,
    loadOrder: result.loadOrder ?? null,
    kinds: result.model?.kinds ?? null,
    components:
      result.model?.modules.flatMap((m) =>
        m.components.map((c) => `${c.key} (${c.kind}) ${c.file}:${c.line}:${c.column}`),
      ) ?? null,
    registry: result.registry !== undefined,
  };
}

describe("generator fixtures", () => {
  it("finds the cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)("%s", async (name) => {
    const root = join(fixtures, name);
    const result = await runPipeline({ root });
    const summary = summarize(result);
    await expect(`${JSON.stringify(summary, null, 2)}\n`).toMatchFileSnapshot(join(root, "expected.json"));
    const registryFile = join(root, "expected-registry.ts");
    if (existsSync(registryFile)) {
      await expect(result.registry?.module).toMatchFileSnapshot(registryFile);
      await expect(result.registry?.data).toMatchFileSnapshot(join(root, "expected-registry.data.js"));
    }
    for (const diagnostic of result.diagnostics) {
      expect(diagnostic.message.length, `${diagnostic.code} has a message`).toBeGreaterThan(10);
      expect(diagnostic.hint, `${diagnostic.code} has a hint`).toBeTruthy();
      expect(diagnostic.file).not.toMatch(/^\/|\\/);
    }
  });
});
