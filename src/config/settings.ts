import { ConfigError, ErrorCode } from "../errors.ts";
import { SETTINGS_FILE } from "./files.ts";

/**
 * What `config/settings.ts` exports by default. `installedApps` and `plugins` are spoc's;
 * any other key (database, workers, …) is the project's and keeps its inferred type.
 */
export interface Settings {
  /** Apps installed in every mode, before those of `[spoc.apps]`. @default [] */
  readonly installedApps?: readonly string[];
  /** Plugin group → references `"path/from/root[.ts]:exportName"`, after `[spoc.plugins]`. @default {} */
  readonly plugins?: Readonly<Record<string, readonly string[]>>;
  readonly [key: string]: unknown;
}

export { SETTINGS_FILE };

/** Returns `settings` unchanged; exists so their literal type is inferred and checked. */
export function defineSettings<const T extends Settings>(settings: T): T {
  return settings;
}

/**
 * Checks, at run time, the parts of settings spoc reads (settings may come from JavaScript).
 * @throws ConfigError `InvalidConfig` naming the key.
 */
export function validateSettings(value: unknown): Settings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${SETTINGS_FILE} must export default an object (defineSettings({ ... }))`);
  }
  const settings = value as Settings;
  if (settings.installedApps !== undefined && !isStringArray(settings.installedApps)) {
    throw invalid(`installedApps in ${SETTINGS_FILE} must be an array of app names`);
  }
  if (settings.plugins !== undefined) {
    if (typeof settings.plugins !== "object" || settings.plugins === null || Array.isArray(settings.plugins)) {
      throw invalid(`plugins in ${SETTINGS_FILE} must be an object of group → references`);
    }
    for (const [group, refs] of Object.entries(settings.plugins)) {
      if (!isStringArray(refs)) throw invalid(`plugins.${group} in ${SETTINGS_FILE} must be an array of references`);
    }
  }
  return settings;
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function invalid(message: string): ConfigError {
  return new ConfigError(ErrorCode.InvalidConfig, message, {
    location: { file: SETTINGS_FILE },
    hint: "see defineSettings for the expected shape",
  });
}
