/**
 * `spoc/codegen`: the build-time generator. Never imported by the runtime, so a built app
 * does not load the TypeScript compiler.
 */
export { runPipeline, createScanCache, compareDiagnostics } from "./pipeline.ts";
export type { PipelineOptions, ScanCache } from "./pipeline.ts";
export { renderRegistry, REGISTRY_FILE, REGENERATE_COMMAND } from "./render-registry.ts";
export { writeIfChanged } from "./write.ts";
export { computeLoadOrder, dependencyClosure, moduleEdges } from "./load-order.ts";
export { runChecks } from "./checks.ts";
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
