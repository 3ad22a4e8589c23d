/** The esbuild set-up of a new project: build.ts with spoc() from spoc/esbuild, run by tsx. */
import type { BundlerTemplate } from "./types.ts";

const BUILD_TS = `/**
 * Bundles the app into dist/ with esbuild: \`npm run build\`; \`npm run dev\` rebuilds on
 * every change and restarts the app. spoc() regenerates generated/registry.ts at the
 * start of every build, fails the build on spoc's diagnostics, and adds what the registry
 * and the workers need in a bundle (dist/registry.js, dist/spoc-worker.js, code splitting).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import * as esbuild from "esbuild";
import spoc from "spoc/esbuild";

const watch = process.argv.includes("--watch");

/** In watch mode: runs dist/main.js after every successful build, stopping the previous run. */
const restart: esbuild.Plugin = {
  name: "restart",
  setup(build) {
    let app: ChildProcess | undefined;
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      app?.kill();
      app = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], { stdio: "inherit" });
    });
  },
};

const options: esbuild.BuildOptions = {
  entryPoints: ["main.ts"],
  outdir: "dist",
  format: "esm",
  platform: "node",
  target: "node20",
  bundle: true,
  sourcemap: true,
  // Packages stay in node_modules (spoc included); remove this line to bundle them too.
  packages: "external",
  logLevel: "info",
  plugins: watch ? [spoc(), restart] : [spoc()],
};

await rm("dist", { recursive: true, force: true });
if (watch) {
  await (await esbuild.context(options)).watch();
} else {
  try {
    await esbuild.build(options);
  } catch {
    // esbuild has printed the errors
    process.exitCode = 1;
  }
}
`;

export const esbuild: BundlerTemplate = {
  files: () => [{ path: "build.ts", text: BUILD_TS }],
  buildScript: "tsx build.ts",
  devScript: "tsx build.ts --watch",
  devDependencies: { esbuild: "^0.28.2" },
};
