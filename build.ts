/**
 * Builds the example app into dist/ with esbuild: `npm run build` (`--watch` to rebuild
 * on changes). The spoc plugin regenerates generated/registry.ts at the start of every
 * build and fails the build on diagnostics.
 *
 * Entries: dist/main.js, dist/registry.js and dist/spoc-worker.js (the worker child that
 * `ThreadWorker`/`ProcessWorker` start, found as `./spoc-worker.js` beside the chunks).
 * Every other entry imports the registry as the external `./registry.js`, so there is one
 * registry instance and its `import.meta.url` is dist/registry.js, which a worker child
 * imports to find its class.
 */
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { spocPlugin } from "./src/codegen/esbuild-plugin.ts";

const root = fileURLToPath(new URL(".", import.meta.url));
const outdir = join(root, "dist");
const registryPath = join(root, "generated", "registry.ts");

/** Imports of the registry from any other entry or chunk become `./registry.js`. */
const sharedRegistry: esbuild.Plugin = {
  name: "shared-registry",
  setup(build) {
    build.onResolve({ filter: /(^|[\\/])generated[\\/]registry(\.[jt]s)?$/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
      const withExtension = target.endsWith(".ts") ? target : `${target}.ts`;
      return withExtension === registryPath ? { path: "./registry.js", external: true } : undefined;
    });
  },
};

/** `spoc` and `spoc/<subpath>` resolve to this repo's sources (package.json exports), so they are bundled. */
const selfReference: esbuild.Plugin = {
  name: "spoc-self-reference",
  setup(build) {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, { default: string }>;
    };
    build.onResolve({ filter: /^spoc(\/.*)?$/ }, (args) => {
      const entry = pkg.exports[args.path === "spoc" ? "." : `./${args.path.slice("spoc/".length)}`];
      return entry === undefined ? undefined : { path: join(root, entry.default) };
    });
  },
};

const options: esbuild.BuildOptions = {
  absWorkingDir: root,
  entryPoints: {
    main: "main.ts",
    registry: "generated/registry.ts",
    "spoc-worker": "src/workers/child.ts",
  },
  outdir,
  chunkNames: "[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  bundle: true,
  splitting: true,
  sourcemap: true,
  // node_modules stay external: better-sqlite3 is native.
  packages: "external",
  logLevel: "info",
  plugins: [spocPlugin({ root }), sharedRegistry, selfReference],
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await rm(outdir, { recursive: true, force: true });
  try {
    await esbuild.build(options);
  } catch {
    // esbuild has already printed the errors
    process.exitCode = 1;
  }
}
