import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

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
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/fixtures/**"],
    // Type tests (`*.test-d.ts`): tsc checks them, and an expectation or `@ts-expect-error`
    // that no longer holds fails its test.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // Much of the suite's time is files waiting on processes they start (the CLI, builds, the
    // example, PostgreSQL consumers), so three files run at a time even on two cores, where
    // vitest's own default (one fewer than the cores) would run one.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
