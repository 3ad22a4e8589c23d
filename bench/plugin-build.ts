/**
 * One build of the example with one tool, with or without spoc's plugin:
 * `tsx bench/plugin-build.ts <vite|rollup|webpack|rspack|esbuild> <with|without> <root>`.
 * Reports the build's own time (from calling the tool's API to its end, plugin loading
 * included) as `buildMs`. The tools come from test/bundlers (`npm ci --prefix test/bundlers`);
 * every bare import but `spoc` stays external, as a Node app's build keeps them.
 */
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { report } from "./_harness.ts";
import { REPO_ROOT } from "./synth.ts";

const [tool, variant, root] = process.argv.slice(2);
if (tool === undefined || (variant !== "with" && variant !== "without") || root === undefined) {
  throw new Error("usage: plugin-build.ts <vite|rollup|webpack|rspack|esbuild> <with|without> <root>");
}
const withPlugin = variant === "with";
const outDir = join(root, "dist");
rmSync(outDir, { recursive: true, force: true });
const requireTool = createRequire(join(REPO_ROOT, "test", "bundlers", "package.json"));
const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(requireTool.resolve(name)).href)) as T;
/** Bare imports other than spoc stay external (node_modules at run time). */
const isExternal = (request: string): boolean => /^[a-z@][^:]*$/.test(request) && !/^spoc(\/|$)/.test(request);

type Build = () => Promise<void>;
const builds: Record<string, () => Promise<Build>> = {
  async vite() {
    const { build } = await load<{ build(config: object): Promise<unknown> }>("vite");
    const plugins = withPlugin ? [(await import("../src/codegen/bundler/vite.ts")).default()] : [];
    return async () => {
      await build({
        root,
        configFile: false,
        logLevel: "silent",
        plugins,
        build: { ssr: "main.ts", outDir, target: "node20" },
        ssr: { noExternal: ["spoc"] },
      });
    };
  },
  async rollup() {
    const { rollup } = await load<{
      rollup(options: object): Promise<{ write(options: object): Promise<unknown>; close(): Promise<void> }>;
    }>("rollup");
    const { nodeResolve } = await load<{ nodeResolve(options: object): object }>("@rollup/plugin-node-resolve");
    const esbuild = (await load<{ default: (options: object) => object }>("rollup-plugin-esbuild")).default;
    const spoc = withPlugin ? [(await import("../src/codegen/bundler/rollup.ts")).default({ root })] : [];
    return async () => {
      const bundle = await rollup({
        input: join(root, "main.ts"),
        external: isExternal,
        onwarn: () => {},
        plugins: [
          ...spoc,
          nodeResolve({ resolveOnly: ["spoc"], extensions: [".ts", ".js"] }),
          esbuild({ target: "node20" }),
        ],
      });
      await bundle.write({ dir: outDir, format: "esm" });
      await bundle.close();
    };
  },
  webpack: () => webpackLike("webpack"),
  rspack: () => webpackLike("rspack"),
  async esbuild() {
    const { build } = await load<typeof import("esbuild")>("esbuild");
    const plugins = withPlugin ? [(await import("../src/codegen/bundler/esbuild.ts")).default()] : [];
    return async () => {
      await build({
        absWorkingDir: root,
        entryPoints: { main: "main.ts", registry: "generated/registry.ts" },
        outdir: outDir,
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: "node20",
        external: ["better-sqlite3", "kysely", "nodemailer", "smol-toml", "dotenv", "tsx"],
        logLevel: "silent",
        plugins,
      });
    };
  },
};

type Compile = (config: object) => {
  run(callback: (error: Error | null, stats?: { hasErrors(): boolean; toString(o: object): string }) => void): void;
  close(callback: () => void): void;
};

async function webpackLike(name: "webpack" | "rspack"): Promise<Build> {
  const loaded = await load<{ default: Compile & { rspack?: Compile } }>(
    name === "rspack" ? "@rspack/core" : "webpack",
  );
  const compile = loaded.default.rspack ?? loaded.default;
  const plugin =
    name === "webpack"
      ? (await import("../src/codegen/bundler/webpack.ts")).default()
      : (await import("../src/codegen/bundler/rspack.ts")).default();
  const loader =
    name === "webpack"
      ? { loader: "esbuild-loader", options: { target: "node20" } }
      : {
          loader: "builtin:swc-loader",
          options: {
            jsc: {
              parser: { syntax: "typescript", decorators: true },
              transform: { decoratorVersion: "2022-03" },
              target: "es2022",
            },
          },
        };
  return async () => {
    const compiler = compile({
      mode: "production",
      context: root,
      entry: { main: "./main.ts" },
      target: "node20",
      output: { path: outDir, filename: "[name].js", module: true, chunkFormat: "module" },
      experiments: { outputModule: true },
      externalsType: "module",
      externals: [
        ({ request }: { request: string }, callback: (error?: Error, result?: string) => void) =>
          callback(undefined, isExternal(request) ? request : undefined),
      ],
      // `new URL("..", import.meta.url)` (config/settings.ts) is run-time code here, not an asset.
      module: { parser: { javascript: { url: false } }, rules: [{ test: /\.ts$/, ...loader }] },
      optimization: { minimize: false },
      infrastructureLogging: { level: "none" },
      plugins: withPlugin ? [plugin] : [],
    });
    const stats = await new Promise<{ hasErrors(): boolean; toString(o: object): string } | undefined>(
      (resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))),
    );
    await new Promise<void>((resolve) => compiler.close(resolve));
    if (stats?.hasErrors()) throw new Error(stats.toString({ preset: "errors-only" }));
  };
}

const started = performance.now();
const setup = builds[tool];
if (setup === undefined) throw new Error(`unknown tool "${tool}"`);
await (await setup())();
report({ buildMs: performance.now() - started });
