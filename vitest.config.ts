import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/_sequencer.ts";

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

/**
 * Test files that share one thread of vitest (isolate: false): they mock no module, read at
 * import no environment variable that a test changes, and leave the thread as they found it (process.env restored
 * in place, not replaced; no working directory change; real timers; no process or worker still
 * running: the few that start a child process or a worker thread wait for it). They share the
 * packages the thread has loaded (TypeScript, ts-morph, oxc, kysely…) instead of loading them
 * again in a process of their own, which was about half of their CPU time. A new test file
 * runs in a process of its own unless it is listed here.
 */
const inProcess = [
  "test/config/*.test.ts",
  // Not python-defects: it starts a process worker.
  "test/runtime/!(python-defects).test.ts",
  // Not disk-cache and write-failure: they replace `node:fs` functions with `vi.mock`.
  "test/codegen/!(disk-cache|write-failure).test.ts",
  "test/eslint/*.test.ts",
  "test/esbuild/plugin.test.ts",
  "test/esbuild/bundle-options.test.ts",
  "test/cli/format.test.ts",
  "test/cli/sarif.test.ts",
  "test/faults/generator.test.ts",
  "test/faults/system-error.test.ts",
  "test/package/exports.test.ts",
  "test/example/services.test.ts",
  "test/example/views.test.ts",
  "test/example/framework.test.ts",
  "test/pg/example-services.test.ts",
  "test/pg/example-database.test.ts",
  "test/pg/example-start.test.ts",
  "test/cli/check-cache.test.ts",
  // These mostly wait on the processes or workers they start: here they use the thread, which
  // is done with the files above well before the processes project is done with its files.
  "test/cli/watch.test.ts",
  "test/cli/gen-check-diff.test.ts",
  "test/cli/project-root.test.ts",
  "test/pg/consumer.test.ts",
  "test/workers/server.test.ts",
  "test/workers/bundle.test.ts",
  "test/workers/registry.test.ts",
  "test/workers/api.test.ts",
  "test/example/search.test.ts",
  "test/example/worker-unreachable.test.ts",
  "test/example/database-lock.test.ts",
  "test/esbuild/build.test.ts",
];

export default defineConfig({
  resolve: {
    // As tsconfig.json's `paths`: the package's entries resolve to the sources, not dist/.
    alias: [
      { find: /^spoc$/, replacement: src("index.ts") },
      { find: /^spoc\/workers\/child$/, replacement: src("workers/child.ts") },
      { find: /^spoc\/(vite|rollup|webpack|rspack|esbuild)$/, replacement: src("codegen/bundler/$1.ts") },
      { find: /^spoc\/eslint$/, replacement: src("codegen/eslint/index.ts") },
      { find: /^spoc\/([\w-]+)$/, replacement: src("$1/index.ts") },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Much of the suite's time is files waiting on processes they start (the CLI, builds, the
    // example, PostgreSQL consumers), so three of those files run at a time even on two cores,
    // where vitest's own default (one fewer than the cores) would run one; beside them, one
    // thread runs the in-process files one after another.
    poolOptions: {
      forks: { maxForks: Math.max(3, availableParallelism() - 1) },
      threads: { isolate: false, maxThreads: 1, minThreads: 1 },
    },
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: "in-process",
          include: inProcess,
          pool: "threads",
          // Type tests (`*.test-d.ts`): tsc checks them, and an expectation or `@ts-expect-error`
          // that no longer holds fails its test.
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      {
        extends: true,
        test: {
          name: "processes",
          include: ["test/**/*.test.ts"],
          // spoc built as it ships, for the tests that install it into a project.
          globalSetup: ["./test/_package-setup.ts"],
          exclude: ["**/node_modules/**", "test/fixtures/**", ...inProcess],
          pool: "forks",
        },
      },
    ],
  },
});
