/** The webpack and rspack set-ups of a new project: an ESM build for Node with spoc's plugin. */
import { PLUGIN_DOES, VERSIONS } from "./shared.ts";
import type { BundlerTemplate } from "./types.ts";

/** The configuration both tools read; only the plugin and the TypeScript loader differ. */
function config(tool: "webpack" | "rspack"): string {
  const [title, loader] =
    tool === "webpack"
      ? ["webpack", `{ test: /\\.ts$/, loader: "esbuild-loader", options: { target: "node20" } }`]
      : [
          "Rspack",
          `{
        test: /\\.ts$/,
        loader: "builtin:swc-loader",
        options: {
          jsc: {
            parser: { syntax: "typescript", decorators: true },
            transform: { decoratorVersion: "2022-03" },
            target: "es2022",
          },
        },
      }`,
        ];
  return `/**
 * Bundles the app into dist/ with ${title}: \`npm run build\`; \`npm run dev\` rebuilds on every
 * change and restarts the app. ${PLUGIN_DOES}
 * Workers need an ESM output, as here.
 */
import { spawn } from "node:child_process";
import spoc from "spoc/${tool}";

/** In watch mode: runs dist/main.js after every build, stopping the previous run. */
const restart = {
  apply(compiler) {
    let app;
    compiler.hooks.done.tap("restart", (stats) => {
      if (!compiler.watchMode || stats.hasErrors()) return;
      app?.kill();
      app = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], { stdio: "inherit" });
    });
  },
};

export default {
  mode: "production",
  context: import.meta.dirname,
  entry: { main: "./main.ts" },
  target: "node20",
  devtool: "source-map",
  output: {
    path: \`\${import.meta.dirname}/dist\`,
    filename: "[name].js",
    chunkFilename: "[name]-[contenthash].js",
    module: true,
    chunkFormat: "module",
    clean: true,
  },
  experiments: { outputModule: true },
  // Packages (spoc included) and Node's modules stay external.
  externalsType: "module",
  externals: [({ request }, callback) => callback(undefined, /^[a-z@][^:]*$|^node:/.test(request) ? request : undefined)],
  module: {
    // \`new URL("..", import.meta.url)\` is run-time code here, not an asset to bundle.
    parser: { javascript: { url: false } },
    rules: [
      ${loader},
    ],
  },
  optimization: { minimize: false },
  plugins: [spoc(), restart],
};
`;
}

export const webpack: BundlerTemplate = {
  files: () => [{ path: "webpack.config.mjs", text: config("webpack") }],
  buildScript: "webpack",
  devScript: "webpack --watch",
  devDependencies: {
    webpack: VERSIONS.webpack,
    "webpack-cli": VERSIONS["webpack-cli"],
    "esbuild-loader": VERSIONS["esbuild-loader"],
  },
};

export const rspack: BundlerTemplate = {
  files: () => [{ path: "rspack.config.mjs", text: config("rspack") }],
  buildScript: "rspack build",
  devScript: "rspack build --watch",
  devDependencies: { "@rspack/core": VERSIONS["@rspack/core"], "@rspack/cli": VERSIONS["@rspack/cli"] },
};
