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
      { find: /^spoc\/([\w-]+)$/, replacement: src("$1/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/fixtures/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
