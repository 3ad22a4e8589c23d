/**
 * One cold `spoc gen` in this fresh process: the pipeline with no cache, then the write.
 * Reports the in-process time; the parent measures the whole process.
 *
 *   node --import tsx bench/gen-once.ts bench/.projects/1000
 */
import { resolve } from "node:path";
import { generateRegistry } from "../src/codegen/generate.ts";
import { report } from "./_harness.ts";

const started = performance.now();
const root = resolve(process.argv[2] ?? ".");
const generation = await generateRegistry({ root });
const errors = generation.result.diagnostics.filter((d) => d.severity === "error");
if (errors.length > 0) {
  for (const d of errors.slice(0, 10)) console.error(`${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`);
  throw new Error(`spoc gen reported ${errors.length} errors on ${root}`);
}
const modules = generation.result.model?.modules ?? [];
report({
  ms: performance.now() - started,
  pipelineMs: generation.durationMs,
  written: generation.written,
  modules: modules.length,
  components: modules.reduce((sum, m) => sum + m.components.length, 0),
  registryBytes: (generation.result.registry?.module.length ?? 0) + (generation.result.registry?.data.length ?? 0),
});
