export { Components } from "./components.ts";
export type { ComponentInfo, ComponentRegistrar, RegisterOptions } from "./components.ts";
export { defineSchema } from "./schema.ts";
export type { LoadedModule, ModuleHook, ModuleHooks, Schema, SchemaDefinition } from "./schema.ts";
export type {
  ComponentExport,
  ComponentMap,
  ModuleExports,
  ProjectSettings,
  RegisteredSettings,
  Registry,
  RegistryApp,
  RegistryComponent,
  RegistryModule,
  RegistryPlugin,
  StaleComponent,
} from "./registry.ts";
export { Framework } from "./framework.ts";
export { findBaseDir } from "./base-dir.ts";
export type { AnyComponentMap, ComponentsByModule, FrameworkOptions } from "./framework.ts";
export { ConfigError, DependencyCycleError, ErrorCode, SpocError, WorkerError, formatError } from "./errors.ts";
export type { SourceLocation, SpocErrorOptions } from "./errors.ts";
export { defineSettings, env } from "./config/index.ts";
export type { LoadedConfig, ProjectConfig, Settings } from "./config/index.ts";
export { AbstractWorker, ProcessWorker, Server, ThreadWorker } from "./workers/index.ts";
