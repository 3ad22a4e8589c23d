/**
 * One process, one start: `framework` runs `Framework.start` on the project's generated
 * registry; `loop` imports the same module files, in the registry's load order, in a plain
 * `for … await import()` loop. Both import the registry and the schema first, outside the
 * timed region (reported apart as `registryMs`), so the two timed regions do the same work
 * but for what the framework adds.
 *
 *   node --import tsx bench/start-once.ts bench/.projects/1000 framework|loop
 *
 * bench/compile-js.ts bundles it into a JavaScript copy of a project, where it runs under
 * plain `node` and loads `.js` files.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Framework, type Registry, type Schema } from "../src/index.ts";
import { report } from "./_harness.ts";

const root = resolve(process.argv[2] ?? ".");
const mode = process.argv[3];
if (mode !== "framework" && mode !== "loop") throw new Error("usage: start-once.ts <root> framework|loop");

const compiled = existsSync(join(root, "generated", "registry.js"));
const url = (file: string): string => pathToFileURL(join(root, compiled ? file.replace(/\.ts$/, ".js") : file)).href;
const registryStarted = performance.now();
const { registry } = (await import(url("generated/registry.ts"))) as { registry: Registry };
const { schema } = (await import(url("config/schema.ts"))) as { schema: Schema };
const registryMs = performance.now() - registryStarted;

const started = performance.now();
let modules = 0;
if (mode === "framework") {
  const framework = await Framework.start({ baseDir: root, schema, registry, onWarning: () => {} });
  modules = framework.modules.length;
  const ms = performance.now() - started;
  const stopping = performance.now();
  await framework.shutdown();
  report({ ms, registryMs, modules, shutdownMs: performance.now() - stopping });
} else {
  for (const name of registry.loadOrder) {
    const entry = registry.modules[name];
    if (!entry) throw new Error(`registry has no module ${name}`);
    await import(url(entry.file));
    modules++;
  }
  report({ ms: performance.now() - started, registryMs, modules });
}
