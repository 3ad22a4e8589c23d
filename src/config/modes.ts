import { ConfigError, ErrorCode } from "../errors.ts";
import type { ProjectConfig } from "./project.ts";

/** Every mode the project knows (built-in and declared), sorted. */
export function knownModes(config: ProjectConfig): string[] {
  return Object.keys(config.modes).sort();
}

/**
 * The cascade of `mode`: itself first, its base last (`development` →
 * `["development", "staging", "production"]`).
 * @param source what named the mode, for the error message (e.g. `"SPOC_MODE"`).
 * @throws ConfigError `UnknownMode` listing the known modes.
 */
export function modeCascade(config: ProjectConfig, mode: string, source?: string): readonly string[] {
  const cascade = Object.hasOwn(config.modes, mode) ? config.modes[mode] : undefined;
  if (cascade === undefined) {
    const from = source === undefined ? "" : ` (from ${source})`;
    throw new ConfigError(
      ErrorCode.UnknownMode,
      `unknown mode "${mode}"${from}; known modes: ${knownModes(config).join(", ")}`,
      {
        hint: "use one of the known modes, or declare it under [spoc.modes] in config/spoc.toml",
      },
    );
  }
  return cascade;
}

/**
 * The apps installed in `mode`: the settings' `installedApps` first, then the apps of the
 * cascade from its base (last entry) to the mode itself, each app once, first occurrence kept.
 * @throws ConfigError `UnknownMode`.
 */
export function installedApps(settingsApps: readonly string[], config: ProjectConfig, mode: string): string[] {
  const cascade = modeCascade(config, mode);
  const apps = new Set(settingsApps);
  for (const step of [...cascade].reverse()) {
    for (const app of config.apps[step] ?? []) apps.add(app);
  }
  return [...apps];
}
