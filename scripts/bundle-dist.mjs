// The last step of `npm run build`, after tsc: rewrites dist/codegen/index.js (`spoc/codegen`,
// where `spocPlugin()` comes from) as one file holding every module of dist/ it imports but
// errors.js, and smol-toml. A build that loads the plugin then reads a few files instead of
// about seventy: on Node 20, resolving and linking each ES module costs more than the code in
// it (more still under a loader such as tsx, which sees each import).
//
// errors.js stays an import of its file, so the errors the generator throws are instances of
// the classes `spoc` exports. The bundle sits where index.js was, so every path a module finds
// from `import.meta.url` (package.json, the worker child) is the same. The other files of
// dist/ stay for the other entries. Packages stay imports, but smol-toml (nine small modules,
// its license kept at the end of the file); oxc-parser finds its native binding from its own
// place, so it cannot move.
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const entry = join(dist, "codegen", "index.js");
const shared = [join(dist, "errors.js")];
const inlined = ["smol-toml"];

/** Imports of packages (but `inlined`) and of the modules in `shared`: kept, as a path from the bundle. */
const keepImports = {
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

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  legalComments: "eof",
  logLevel: "warning",
  plugins: [keepImports],
});
