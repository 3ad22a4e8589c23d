/**
 * `spoc/codegen`: the build-time generator. Never imported by the runtime, so a built app
 * does not load the TypeScript compiler.
 */
export { runPipeline, createScanCache, compareDiagnostics } from "./pipeline.ts";
export type { PipelineOptions, ScanCache } from "./pipeline.ts";
export {
  renderRegistry,
  registryFiles,
  REGISTRY_FILE,
  REGISTRY_DATA_FILE,
  REGISTRY_DATA_TYPES_FILE,
  REGENERATE_COMMAND,
  type RegistryOutput,
} from "./render/registry.ts";
export { writeIfChanged } from "./write/write-if-changed.ts";
export { kindBelongsToModule, pluralOf } from "../components.ts";
export { schemaFingerprint } from "../schema.ts";
export { defineRegistry } from "../registry.ts";
export { computeLoadOrder, dependencyClosure, moduleEdges } from "./check/load-order.ts";
export { runChecks } from "./check/checks.ts";
export { topologicalOrder, shutdownOrder, findCycles } from "./check/graph.ts";
export type { DependencyEdges } from "./check/graph.ts";
export { generateRegistry } from "./generate.ts";
export type { GenerateOptions, Generation } from "./generate.ts";
export { watchProject } from "./watch.ts";
export type { ProjectWatcher, WatchEvent, WatchOptions } from "./watch.ts";
export { spocPlugin } from "./esbuild-plugin.ts";
export type { SpocPluginOptions } from "./esbuild-plugin.ts";
export { formatText } from "./report/format-text.ts";
export { toJsonReport } from "./report/format-json.ts";
export { toSarif } from "./report/sarif.ts";
export { moduleGraph, formatMermaid, formatDot, toGraphJson } from "./report/format-graph.ts";
export type {
  AppModule,
  AppRecord,
  ComponentRecord,
  Diagnostic,
  ModuleImport,
  PipelineResult,
  PluginRecord,
  ProjectModel,
  SchemaModel,
  Severity,
} from "./model.ts";
