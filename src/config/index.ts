export { env, type IntRange } from "./env-vars.ts";
export {
  loadEnvironment,
  resolveDebug,
  resolveMode,
  type EnvironmentTarget,
  type LoadEnvironmentOptions,
  type LoadedEnvironment,
  type ModeSource,
  type ResolveModeOptions,
  type ResolvedMode,
} from "./environment.ts";
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from "./load.ts";
export { installedApps, knownModes, modeCascade } from "./modes.ts";
export {
  importPluginFromDisk,
  parsePluginRef,
  pluginRefs,
  resolvePlugins,
  type PluginLoader,
  type PluginRef,
} from "./plugins.ts";
export {
  DEFAULT_MODE,
  DEFAULT_MODES,
  PROJECT_CONFIG_FILE,
  defaultProjectConfig,
  parseProjectConfig,
  readProjectConfig,
  type AppRules,
  type ProjectConfig,
} from "./project.ts";
export { locateTomlKey } from "./toml-location.ts";
export { SETTINGS_FILE, defineSettings, validateSettings, type Settings } from "./settings.ts";
