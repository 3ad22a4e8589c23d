/** The Rollup set-up of a new project: rollup.config.mjs with spoc/rollup and rollup-plugin-esbuild. */
import { PLUGIN_DOES, VERSIONS } from "./shared.ts";
import type { BundlerTemplate } from "./types.ts";

const ROLLUP_CONFIG = `/**
 * Bundles the app into dist/ with Rollup: \`npm run build\`; \`npm run dev\` rebuilds on every
 * change and restarts the app. ${PLUGIN_DOES}
 * rollup-plugin-esbuild compiles the TypeScript (decorators included).
 */
import { spawn } from "node:child_process";
import { isAbsolute } from "node:path";
import esbuild from "rollup-plugin-esbuild";
import spoc from "spoc/rollup";

/** In watch mode: runs dist/main.js after every build, stopping the previous run. */
function restart() {
  let app;
  return {
    name: "restart",
    writeBundle() {
      if (!this.meta.watchMode) return;
      app?.kill();
      app = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], { stdio: "inherit" });
    },
  };
}

export default {
  input: "main.ts",
  output: { dir: "dist", format: "esm", sourcemap: true },
  // Packages (spoc included) and Node's modules stay external.
  external: (id) => !id.startsWith(".") && !isAbsolute(id),
  plugins: [spoc(), esbuild({ target: "node20" }), restart()],
};
`;

export const rollup: BundlerTemplate = {
  files: () => [{ path: "rollup.config.mjs", text: ROLLUP_CONFIG }],
  buildScript: "rollup -c",
  devScript: "rollup -c --watch",
  devDependencies: {
    rollup: VERSIONS.rollup,
    "rollup-plugin-esbuild": VERSIONS["rollup-plugin-esbuild"],
    esbuild: VERSIONS.esbuild,
  },
};
