// The last step of `npm run build`, after tsc: rewrites three entries of dist/ as bundles.
//
// - dist/codegen/index.js (`spoc/codegen`, the generator): every module of dist/ it imports but
//   errors.js, and smol-toml. A build that loads the generator then reads a few files instead
//   of about seventy: on Node 20, resolving and linking each ES module costs more than the code
//   in it (more still under a loader such as tsx, which sees each import).
// - dist/codegen/bundler/esbuild.js (`spoc/esbuild`): the plugin without the generator, which
//   it imports from index.js only when a build has something to generate, through
//   load-generator.js (left a file of its own: see there).
// - dist/codegen/cli.js (`spoc`, through bin/spoc.js): the CLI, with what its commands import
//   lazily (cli-modules.js, the generator and reports) in chunks beside it,
//   `cli-chunk-<hash>.js`, so a `spoc gen` with nothing to do loads the CLI and the record's
//   reader (fresh-generation.js): four files instead of about twenty, and none of the generator.
//   The worker command stays an import of dist/workers/queue/command.js, which starts the
//   runtime `spoc` exports.
//
// errors.js stays an import of its file, so the errors the generator throws are instances of
// the classes `spoc` exports. Every module in these files finds its paths (package.json, the
// worker child, spoc's code for the caches) from `import.meta.url` as if it were
// dist/codegen/index.js, where tsc put the modules' folder, so all of them agree on them (the
// CLI's chunks are in that folder too, as the banner that sets the URL is the same in each). The
// other files of dist/ stay for the other entries. Packages stay imports, but smol-toml (nine
// small modules, its license kept at the end of the file); oxc-parser finds its native binding
// from its own place, so it cannot move.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const generator = join(dist, "codegen", "index.js");
const plugin = join(dist, "codegen", "bundler", "esbuild.js");
const cli = join(dist, "codegen", "cli.js");
const inlined = ["smol-toml"];

/**
 * Imports of packages (but `inlined`) and of the modules in `shared`: kept, as a path from the
 * bundle at `entry`.
 */
function keepImports(entry, shared) {
  return {
    name: "keep-imports",
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) =>
        inlined.includes(args.path) ? undefined : { path: args.path, external: true },
      );
      builder.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (!shared.includes(target)) return undefined;
        const path = relative(dirname(entry), target).split(sep).join("/");
        return { path: path.startsWith(".") ? path : `./${path}`, external: true };
      });
    },
  };
}

/**
 * One entry of dist/ bundled in place; with `splitting`, what it imports with `import()` goes
 * into chunks beside it (`<entry>-chunk-<hash>.js`), loaded when it is imported.
 */
function bundleInPlace(entry, shared, { splitting = false } = {}) {
  const moduleUrl = relative(dirname(entry), generator).split(sep).join("/");
  const name = basename(entry, ".js");
  return build({
    entryPoints: [entry],
    ...(splitting
      ? { outdir: dirname(entry), splitting: true, entryNames: "[name]", chunkNames: `${name}-chunk-[hash]` }
      : { outfile: entry }),
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    legalComments: "eof",
    logLevel: "warning",
    // Each module's `import.meta.url` as if it were where tsc put the codegen modules.
    banner: { js: `const __spocModuleUrl = new URL(${JSON.stringify(moduleUrl)}, import.meta.url).href;` },
    define: { "import.meta.url": "__spocModuleUrl" },
    plugins: [keepImports(entry, shared)],
  });
}

/**
 * `import(helper(/* comments *\/ specifier))` to `import(/* comments *\/ helper(specifier))`.
 * tsc's rewriteRelativeImportExtensions wraps each `import()` of a computed specifier in
 * `__rewriteRelativeImportExtension(...)`, and the comments that tell bundlers to leave the
 * import alone (webpackIgnore, @vite-ignore) then sit inside the helper's call, where rspack
 * does not read them: it bundles the import as a context of modules that finds nothing at run
 * time, and a ProcessWorker of an app bundled with spoc in it cannot import its registry. The
 * comments move back to the import; the call stays as tsc wrote it.
 */
function hoistImportComments(file) {
  const text = readFileSync(file, "utf8");
  const hoisted = text.replace(
    /import\(__rewriteRelativeImportExtension\(((?:\s*\/\*(?:[^*]|\*(?!\/))*\*\/)+)\s*/g,
    (_, comments) => `import(${comments.trim()} __rewriteRelativeImportExtension(`,
  );
  if (hoisted !== text) writeFileSync(file, hoisted);
}

for (const file of jsFiles(dist)) hoistImportComments(file);

const errors = join(dist, "errors.js");
await bundleInPlace(generator, [errors]);
// errors.js inlined: the plugin uses its codes, and throws none of its classes.
await bundleInPlace(plugin, [join(dist, "codegen", "load-generator.js")]);
// The worker command stays the tsc output: it starts the runtime `spoc` exports (dist/index.js),
// whose classes and worker-child paths must be the package's own.
await bundleInPlace(cli, [errors, join(dist, "workers", "queue", "command.js")], { splitting: true });

// dist/build-id: a hash of every .js file of this build, written last. The generation record
// (fresh-generation.ts) stats it in place of dist/'s hundred-odd files, whichever of them the
// running command loaded (the CLI's chunks, index.js): a build whose output differs writes
// another.
const buildHash = createHash("sha256");
for (const file of jsFiles(dist)) buildHash.update(`${relative(dist, file)}\0`).update(readFileSync(file));
writeFileSync(join(dist, "build-id"), `${buildHash.digest("hex")}\n`);

/** The .js files under `dir`, sorted by path. */
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) =>
      entry.isDirectory() ? jsFiles(join(dir, entry.name)) : entry.name.endsWith(".js") ? [join(dir, entry.name)] : [],
    );
}
