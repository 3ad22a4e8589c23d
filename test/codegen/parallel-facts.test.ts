/**
 * A cold run of a project with more module files than PARALLEL_THRESHOLD parses them ahead on
 * worker threads too (scan/parallel-facts.ts). Its results must be a serial run's: the same
 * registry, model and diagnostics, a syntax error in a file a worker parsed included.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticProject } from "./_sources.ts";
import { createScanCache, generateRegistry, runPipeline } from "../../src/codegen/index.ts";
import { runPipelineSync } from "../../src/codegen/pipeline.ts";
import { factsOfText } from "../../src/codegen/scan/file-facts.ts";
import {
  PARALLEL_THRESHOLD,
  parseAhead,
  parseInParallel,
  parseWorkerEntry,
} from "../../src/codegen/scan/parallel-facts.ts";

// 60 apps × 4 modules: 240 module files, above the threshold.
const clean = syntheticProject(60);
const broken = syntheticProject(60);
const brokenFile = join(broken.root, "apps", "app37", "services.ts");
writeFileSync(brokenFile, readFileSync(brokenFile, "utf8").replace("@service\nexport class", "@service\nexport clas"));
afterAll(() => {
  clean.remove();
  broken.remove();
});

/** The worker threads started while `run` runs. */
async function workersDuring<T>(run: () => Promise<T>): Promise<{ result: T; workers: number }> {
  let workers = 0;
  const count = (_: Worker): void => {
    workers++;
  };
  process.on("worker", count);
  try {
    return { result: await run(), workers };
  } finally {
    process.off("worker", count);
  }
}

const moduleFiles = (root: string): string[] =>
  Array.from({ length: 60 }, (_, i) =>
    ["models", "views", "services", "workers"].map((module) => join(root, "apps", `app${i + 1}`, `${module}.ts`)),
  ).flat();

describe("parsing ahead on worker threads", () => {
  it("gives a serial run's registry, model and diagnostics", async () => {
    expect(moduleFiles(clean.root).length).toBeGreaterThan(PARALLEL_THRESHOLD);
    const { result: parallel, workers } = await workersDuring(() => runPipeline({ root: clean.root }));
    expect(workers).toBe(availableParallelism() > 1 ? 1 : 0);
    const serial = runPipelineSync({ root: clean.root });
    expect(parallel.registry).toBeDefined();
    expect(parallel.registry).toEqual(serial.registry);
    expect(parallel.model).toEqual(serial.model);
    expect(parallel.diagnostics).toEqual(serial.diagnostics);
  });

  it("writes the same files as a serial run, with the disk cache as `spoc gen` keeps it", async () => {
    const first = await generateRegistry({ root: clean.root, diskCache: true });
    const written = readFileSync(join(clean.root, "generated", "registry.ts"), "utf8");
    expect(first.result.registry).toEqual(runPipelineSync({ root: clean.root }).registry);
    // The disk cache filled from facts parsed on the workers answers the next run: nothing is parsed again.
    const cache = createScanCache();
    const { workers } = await workersDuring(() => generateRegistry({ root: clean.root, diskCache: true, cache }));
    expect(workers).toBe(0);
    // Only config/settings.ts and config/schema.ts, which the disk cache does not keep.
    expect(cache.parses).toBe(2);
    expect(readFileSync(join(clean.root, "generated", "registry.ts"), "utf8")).toBe(written);
  });

  it("reports a syntax error found ahead at its file, line and column, with its code", async () => {
    const parallel = await runPipeline({ root: broken.root });
    const serial = runPipelineSync({ root: broken.root });
    expect(parallel.diagnostics).toEqual(serial.diagnostics);
    const error = parallel.diagnostics.find((d) => d.severity === "error");
    expect(error).toMatchObject({ code: "SPOC008", file: "apps/app37/services.ts", line: 9, column: 7 });
    expect(error?.message).toBe("apps/app37/services.ts does not parse: Declaration expected.");
    expect(parallel.registry).toBeUndefined();
  });

  it("a worker reads each file's facts exactly as this thread does, a syntax error's place included", async () => {
    const entry = parseWorkerEntry();
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    const paths = moduleFiles(broken.root);
    const parsed = await parseInParallel(paths, entry, 1, { onThisThread: false });
    expect(paths.filter((path) => !parsed.has(path))).toEqual([]);
    for (const path of paths)
      expect(parsed.get(path)?.facts, path).toEqual(factsOfText(path, readFileSync(path, "utf8")));
    expect(parsed.get(brokenFile)?.facts.parseError).toMatchObject({ line: 9, column: 7 });
  });

  it.skipIf(availableParallelism() < 2)("reads again a file changed after it was parsed ahead", async () => {
    const project = syntheticProject(60);
    try {
      const cache = createScanCache();
      await parseAhead(project.root, cache, undefined);
      expect(cache.prefetched?.size).toBe(240);
      const file = join(project.root, "apps", "app3", "services.ts");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace("export class AccountService", "export class LedgerService"),
      );
      const result = runPipelineSync({ root: project.root, cache });
      const services = result.model?.modules.find((module) => module.name === "app3.services");
      expect(services?.components.map((component) => component.exportName)).toContain("LedgerService");
      expect(result.registry).toEqual(runPipelineSync({ root: project.root }).registry);
    } finally {
      project.remove();
    }
  });

  it("a worker that cannot start leaves its files to this thread", async () => {
    const paths = moduleFiles(clean.root);
    const missing = { url: new URL("./no-such-worker.js", import.meta.url).href };
    expect((await parseInParallel(paths, missing, 1)).size).toBe(paths.length);
    expect((await parseInParallel(paths, missing, 1, { onThisThread: false })).size).toBe(0);
  });

  it("starts as many workers as SPOC_PARSE_WORKERS says, 0 for none", async () => {
    const serial = runPipelineSync({ root: clean.root });
    for (const [setting, expected] of [
      ["0", 0],
      ["1", 1],
    ] as const) {
      process.env["SPOC_PARSE_WORKERS"] = setting;
      try {
        const { result, workers } = await workersDuring(() => runPipeline({ root: clean.root }));
        expect(workers, `SPOC_PARSE_WORKERS=${setting}`).toBe(expected);
        expect(result.registry).toEqual(serial.registry);
      } finally {
        delete process.env["SPOC_PARSE_WORKERS"];
      }
    }
  });

  it("does not start a worker for a rerun with the same cache, or a small project", async () => {
    const cache = createScanCache();
    await runPipeline({ root: clean.root, cache });
    await parseAhead(clean.root, cache, undefined);
    expect(cache.prefetched).toBeUndefined();
    const small = syntheticProject(10);
    try {
      const { workers } = await workersDuring(() => runPipeline({ root: small.root }));
      expect(workers).toBe(0);
    } finally {
      small.remove();
    }
  });
});
