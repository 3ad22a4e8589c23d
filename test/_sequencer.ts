/**
 * The order vitest starts test files in: longest first, so that the suite does not end on one
 * long file running alone while the other core idles. A file's length is its duration in the
 * last run (vitest's cache) when there is one, and a file the cache does not know yet (a new
 * one) goes first, as vitest does; on a fresh clone (CI), where it knows none, the files below,
 * which start processes and wait on them, go first, the others after, larger files first.
 */
import { statSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Seconds each took on the idle 2-core machine; only their order matters. */
const slowest: Readonly<Record<string, number>> = {
  "test/pg/queue.test.ts": 38,
  "test/faults/example.test.ts": 34,
  "test/package/installed.test.ts": 25,
  "test/example/e2e.test.ts": 19,
  "test/bundlers/build.test.ts": 18,
  "test/pg/example-e2e.test.ts": 15,
  "test/cli/cli.test.ts": 11,
  "test/cli/fresh-generation.test.ts": 9,
  "test/pg/outage.test.ts": 8,
  "test/bundlers/init.test.ts": 8,
  "test/cli/launcher.test.ts": 7,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const path = (file: TestSpecification): string => relative(root, file.moduleId);
    const cached = (file: TestSpecification): number | undefined =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`)?.duration;
    const anyCached = files.some((file) => cached(file) !== undefined);
    const weight = new Map<TestSpecification, [number, number]>();
    for (const file of files) {
      const estimate = cached(file) ?? (anyCached ? Number.POSITIVE_INFINITY : (slowest[path(file)] ?? 0) * 1000);
      weight.set(file, [estimate, statSync(file.moduleId).size]);
    }
    return [...files].sort((a, b) => {
      const [durationA, sizeA] = weight.get(a) ?? [0, 0];
      const [durationB, sizeB] = weight.get(b) ?? [0, 0];
      return durationA === durationB ? sizeB - sizeA : durationB > durationA ? 1 : -1;
    });
  }
}
