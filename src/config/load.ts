import { SpocError, ConfigError, ErrorCode } from "../errors.ts";
import { loadEnvironment, resolveDebug, resolveMode } from "./environment.ts";
import { installedApps, modeCascade } from "./modes.ts";
import { pluginRefs } from "./plugins.ts";
import { readProjectConfig, type ProjectConfig } from "./project.ts";
import { SETTINGS_FILE, validateSettings, type Settings } from "./settings.ts";

export interface LoadConfigOptions {
  /** The project root, holding `config/`. */
  readonly baseDir: string;
  /** Forces the mode over `SPOC_MODE`, `config/.env` and `spoc.toml`. */
  readonly mode?: string;
  /**
   * Imports `config/settings.ts` and returns its default export, or `undefined` when there
   * is none. Called after the `.env` files are applied, since settings read them on import.
   */
  readonly loadSettings: () => Promise<Settings | undefined>;
}

/** Everything configuration decides for a run. */
export interface LoadedConfig {
  readonly mode: string;
  /** `DEBUG` from the environment if set, else `[spoc] debug`. */
  readonly debug: boolean;
  readonly project: ProjectConfig;
  readonly settings: Settings;
  readonly environment: {
    /** `.env` files read, relative to the root. */
    readonly files: readonly string[];
    /** Variables applied to `process.env`. */
    readonly variables: Readonly<Record<string, string>>;
  };
  /** Settings' apps, then the mode cascade's, base first. */
  readonly installedApps: readonly string[];
  readonly pluginRefs: Readonly<Record<string, readonly string[]>>;
  /** Things a person should know that do not stop the run. */
  readonly warnings: readonly string[];
}

/**
 * Loads configuration in the order it depends on itself: `spoc.toml` → mode → `.env` files
 * into `process.env` → settings → installed apps and plugin references.
 * @throws ConfigError for invalid configuration or an unknown mode.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { config: project, warnings } = await readProjectConfig(options.baseDir);
  const { mode, source } = resolveMode({
    baseDir: options.baseDir,
    project,
    ...(options.mode === undefined ? {} : { explicit: options.mode }),
  });
  modeCascade(project, mode, source);
  const environment = loadEnvironment({ baseDir: options.baseDir, mode });
  const debug = resolveDebug(process.env, project.debug);

  let loaded: Settings | undefined;
  try {
    loaded = await options.loadSettings();
  } catch (error) {
    if (error instanceof SpocError) throw error;
    throw new ConfigError(ErrorCode.InvalidConfig, `loading ${SETTINGS_FILE} failed: ${(error as Error).message}`, {
      location: { file: SETTINGS_FILE },
      hint: "fix the error in the settings module",
      cause: error,
    });
  }
  if (loaded === undefined) warnings.push(`no ${SETTINGS_FILE}; installed apps come from config/spoc.toml only`);
  const settings = validateSettings(loaded ?? {});

  return {
    mode,
    debug,
    project,
    settings,
    environment: { files: environment.files, variables: environment.variables },
    installedApps: installedApps(settings.installedApps ?? [], project, mode),
    pluginRefs: pluginRefs(project, settings),
    warnings,
  };
}
