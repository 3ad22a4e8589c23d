/**
 * A JavaScript copy of a synthetic project, to measure `Framework.start` without tsx: every
 * `.ts` and `.js` file of apps/, config/, framework/ and generated/ transpiled one to one
 * (relative `.ts` specifiers become `.js`), spoc's runtime bundled as `node_modules/spoc/index.js`, and
 * bench/start-once.ts bundled beside them. Plain `node` then runs it.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { REPO_ROOT } from "./synth.ts";

export interface CompiledProject {
  readonly root: string;
  /** `start-once.js`, to run with plain `node`. */
  readonly startScript: string;
}

const FOLDERS = ["apps", "config", "framework", "generated"];

export async function compileProject(root: string, outRoot = `${root}-js`): Promise<CompiledProject> {
  rmSync(outRoot, { recursive: true, force: true });
  const entryPoints = FOLDERS.flatMap((folder) => sourceFiles(join(root, folder)));
  await build({
    entryPoints,
    outdir: outRoot,
    outbase: root,
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    logLevel: "error",
  });
  const rewrite = (path: string): void => {
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace(/((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2"));
  };
  for (const file of entryPoints) rewrite(join(outRoot, relative(root, file)).replace(/\.ts$/, ".js"));
  cpSync(join(root, "package.json"), join(outRoot, "package.json"));
  for (const name of readdirSync(join(root, "config"))) {
    if (!name.endsWith(".ts")) cpSync(join(root, "config", name), join(outRoot, "config", name));
  }

  const spocDir = join(outRoot, "node_modules", "spoc");
  mkdirSync(spocDir, { recursive: true });
  writeFileSync(
    join(spocDir, "package.json"),
    `${JSON.stringify({ name: "spoc", type: "module", exports: { ".": "./index.js" } })}\n`,
  );
  await build({
    entryPoints: [join(REPO_ROOT, "src", "index.ts")],
    outfile: join(spocDir, "index.js"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  const startScript = join(outRoot, "start-once.js");
  await build({
    entryPoints: [join(REPO_ROOT, "bench", "start-once.ts")],
    outfile: startScript,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    // The compiled apps import "spoc": start-once must share that instance, not bundle its own.
    plugins: [
      {
        name: "spoc-external",
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /src[\\/]index\.ts$/ }, () => ({ path: "spoc", external: true }));
        },
      },
    ],
    logLevel: "error",
  });
  return { root: outRoot, startScript };
}

/** The `.ts` and `.js` files under `dir` (the registry's data is JavaScript), not declarations. */
function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.[jt]s$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}
