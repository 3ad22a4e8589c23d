/**
 * `webpack` / `rspack` as their CLIs run a build (the CLIs are not installed): load
 * `<tool>.config.mjs` from the current folder, build, print the stats' errors and warnings
 * the way the CLI does, and exit 1 when the build has errors. JavaScript, so that it runs on
 * plain node as the CLIs do.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const tool = process.argv[2] === "rspack" ? "rspack" : "webpack";
const require = createRequire(join(process.cwd(), "package.json"));
const loaded = await import(pathToFileURL(require.resolve(tool === "rspack" ? "@rspack/core" : "webpack")).href);
const compile = loaded.default.rspack ?? loaded.default;
const config = (await import(pathToFileURL(join(process.cwd(), `${tool}.config.mjs`)).href)).default;
const compiler = compile(config);
const stats = await new Promise((resolve, reject) =>
  compiler.run((error, result) => (error ? reject(error) : resolve(result))),
);
await new Promise((resolve) => compiler.close(resolve));
if (stats !== undefined) {
  const text = stats.toString({ preset: "errors-warnings", colors: false });
  if (text.trim() !== "") console.error(text);
}
process.exitCode = stats === undefined || stats.hasErrors() ? 1 : 0;
