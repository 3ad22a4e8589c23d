/** The Vite set-up of a new project: vite.config.ts with spoc/vite, an SSR build for Node. */
import { PLUGIN_DOES, VERSIONS } from "./shared.ts";
import type { BundlerTemplate } from "./types.ts";

const VITE_CONFIG = `/**
 * Bundles the app into dist/ with Vite: \`npm run build\`; \`npm run dev\` rebuilds on every
 * change and restarts the app. ${PLUGIN_DOES}
 * Vite 8 leaves standard decorators to the runtime; spoc() lowers them with esbuild.
 */
import { type ChildProcess, spawn } from "node:child_process";
import spoc from "spoc/vite";
import { defineConfig, type Plugin } from "vite";

/** In watch mode: runs dist/main.js after every build, stopping the previous run. */
function restart(): Plugin {
  let app: ChildProcess | undefined;
  return {
    name: "restart",
    apply: "build",
    closeBundle() {
      if (!this.meta.watchMode) return;
      app?.kill();
      app = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], { stdio: "inherit" });
    },
  };
}

export default defineConfig({
  plugins: [spoc(), restart()],
  // A Node app: an SSR build of main.ts; packages (spoc included) stay in node_modules.
  build: { ssr: "main.ts", outDir: "dist", target: "node20", sourcemap: true },
});
`;

export const vite: BundlerTemplate = {
  files: () => [{ path: "vite.config.ts", text: VITE_CONFIG }],
  buildScript: "vite build",
  devScript: "vite build --watch",
  devDependencies: { vite: VERSIONS.vite, esbuild: VERSIONS.esbuild },
};
