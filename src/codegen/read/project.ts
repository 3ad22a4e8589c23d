/**
 * The first stage: what the project declares, read without running any of it —
 * `config/spoc.toml` (through the config module), `config/settings.ts` and
 * `config/schema.ts` (statically), and the folders under `apps/`.
 */
import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
// The config modules themselves, not config/index.ts: that also loads the runtime's .env
// loading (dotenv), which the generator never uses and every build would pay for.
import { installedApps, knownModes } from "../../config/modes.ts";
import {
  PROJECT_CONFIG_FILE,
  defaultProjectConfig,
  parseProjectConfig,
  type ProjectConfig,
} from "../../config/project.ts";
import { SCHEMA_FILE, SETTINGS_FILE } from "../../config/files.ts";
import { locateTomlKey } from "../../config/toml-location.ts";
import { ErrorCode, SpocError, type SourceLocation } from "../../errors.ts";
import { fileAccessError } from "../../system-error.ts";
import { carryOver, readCached, type ScanCache } from "../cache.ts";
import type { AppRulesModel, Diagnostic, ProjectModel, SchemaModel } from "../model.ts";
import { parseModule } from "../parse/estree.ts";
import { missingSchema, readSchema } from "./schema.ts";
import { NO_SETTINGS, readSettings } from "./settings.ts";

export { SCHEMA_FILE };

/** A plugin reference as declared, before it is resolved. */
export interface PluginDeclaration {
  readonly group: string;
  readonly ref: string;
  readonly declaredAt: SourceLocation;
}

/** Everything the project declares. */
export interface ProjectDeclarations extends Pick<ProjectModel, "modes" | "apps" | "appFolders" | "settings"> {
  readonly config: ProjectConfig;
  /** `undefined` when the schema is missing or its modules cannot be read. */
  readonly schema: SchemaModel | undefined;
  readonly plugins: readonly PluginDeclaration[];
  /** `[spoc.rules]`, located in spoc.toml. */
  readonly appRules: AppRulesModel;
  readonly diagnostics: readonly Diagnostic[];
  /** The configuration files, relative to the root (some may not exist). */
  readonly inputs: readonly string[];
}

/** The cache's readers of the configuration files. */
const READERS = { toml: "toml", settings: "settings", schema: "schema" } as const;

/**
 * Keeps the cache's readings of the configuration files for a run that reuses the previous
 * run's declarations instead of calling `readProject` (see pipeline.ts).
 */
export function keepDeclarations(cache: ScanCache): void {
  for (const reader of Object.values(READERS)) carryOver(cache, reader);
}

type TomlRead =
  | { readonly text: string; readonly config: ProjectConfig }
  | { readonly text: string; readonly error: unknown };

/**
 * Reads the project's declarations. Apps are ordered by first appearance in the installed apps
 * of the configured mode, then of the other known modes in sorted order; each app's modes are
 * the modes that install it, sorted.
 */
export function readProject(root: string, cache: ScanCache): ProjectDeclarations {
  const diagnostics: Diagnostic[] = [];

  const unreadable = new Set<string>();
  for (const file of [PROJECT_CONFIG_FILE, SETTINGS_FILE, SCHEMA_FILE]) {
    const problem = notAFile(root, file);
    if (problem !== undefined) diagnostics.push(problem);
    if (problem !== undefined) unreadable.add(file);
  }
  const toml = readCached<TomlRead>(cache, READERS.toml, join(root, PROJECT_CONFIG_FILE), (text) => {
    try {
      return { text, config: parseProjectConfig(text, PROJECT_CONFIG_FILE) };
    } catch (error) {
      return { text, error };
    }
  });
  let config = defaultProjectConfig();
  if (toml !== undefined && "error" in toml) diagnostics.push(configDiagnostic(toml.error));
  else if (toml !== undefined) config = toml.config;
  const tomlText = toml?.text ?? "";

  const settings = readCached(cache, READERS.settings, join(root, SETTINGS_FILE), (text) => {
    cache.parses++;
    return readSettings(SETTINGS_FILE, parseModule(SETTINGS_FILE, text));
  });
  diagnostics.push(...(settings ?? NO_SETTINGS).diagnostics);
  const schemaRead =
    readCached(cache, READERS.schema, join(root, SCHEMA_FILE), (text) => {
      cache.parses++;
      return readSchema(SCHEMA_FILE, parseModule(SCHEMA_FILE, text));
    }) ?? (unreadable.has(SCHEMA_FILE) ? { schema: undefined, diagnostics: [] } : missingSchema(SCHEMA_FILE));
  diagnostics.push(...schemaRead.diagnostics);

  const appFolders = listFolders(root, diagnostics);
  const folderSet = new Set(appFolders);
  const modes = knownModes(config);
  const settingsApps = (settings ?? NO_SETTINGS).installedApps;
  const apps = new Map<string, { modes: string[]; declaredAt: SourceLocation }>();
  // Each app's first entry in installedApps.
  const settingsAt = new Map<string, { line: number; column: number }>();
  for (const entry of settingsApps) if (!settingsAt.has(entry.value)) settingsAt.set(entry.value, entry);
  for (const mode of [config.mode, ...modes.filter((m) => m !== config.mode)]) {
    if (!Object.hasOwn(config.modes, mode)) continue;
    for (const app of installedApps(
      settingsApps.map((a) => a.value),
      config,
      mode,
    )) {
      const record = apps.get(app);
      if (record) record.modes.push(mode);
      else apps.set(app, { modes: [mode], declaredAt: appDeclaration(app, mode, settingsAt, config, tomlText) });
    }
  }

  // A folder under apps/ that no mode installs is never scanned: say so, unless the settings
  // could not be read (their error explains it). Not an error: a folder may be parked.
  const settingsBroken = (settings?.diagnostics ?? []).some((diagnostic) => diagnostic.severity === "error");
  if (!settingsBroken) {
    const at = settings !== undefined || toml === undefined ? SETTINGS_FILE : PROJECT_CONFIG_FILE;
    for (const folder of appFolders) {
      if (apps.has(folder) || folder.startsWith(".")) continue;
      diagnostics.push({
        code: ErrorCode.InvalidConfig,
        severity: "warning",
        message: `apps/${folder}/ is installed in no mode`,
        file: at,
        line: 1,
        column: 1,
        hint: `add "${folder}" to installedApps in ${SETTINGS_FILE} or to a mode's list in [spoc.apps] of ${PROJECT_CONFIG_FILE}, or move the folder out of apps/`,
      });
    }
  }

  const plugins: PluginDeclaration[] = [];
  const seen = new Set<string>();
  const declare = (group: string, ref: string, declaredAt: SourceLocation): void => {
    const key = `${group}\0${ref}`;
    if (seen.has(key)) return;
    seen.add(key);
    plugins.push({ group, ref, declaredAt });
  };
  for (const [group, refs] of Object.entries(config.plugins)) {
    for (const ref of refs) declare(group, ref, locateTomlString(tomlText, "spoc.plugins", group, ref));
  }
  for (const { group, refs } of (settings ?? NO_SETTINGS).plugins) {
    for (const ref of refs) declare(group, ref.value, { file: SETTINGS_FILE, line: ref.line, column: ref.column });
  }

  return {
    config,
    modes,
    apps: [...apps].map(([name, record]) => ({
      name,
      modes: record.modes.sort(),
      exists: folderSet.has(name),
      declaredAt: record.declaredAt,
    })),
    appFolders,
    schema: schemaRead.schema,
    settings: settings === undefined ? undefined : { file: SETTINGS_FILE, exportName: settings.exportName },
    plugins,
    appRules: locateAppRules(config, tomlText),
    diagnostics,
    inputs: [PROJECT_CONFIG_FILE, SCHEMA_FILE, SETTINGS_FILE].sort(),
  };
}

function locateAppRules(config: ProjectConfig, tomlText: string): AppRulesModel {
  const { dependencies, encapsulated } = config.appRules;
  return {
    dependencies: Object.fromEntries(
      Object.entries(dependencies).map(([app, apps]) => [
        app,
        { apps, declaredAt: locateTomlKey(tomlText, PROJECT_CONFIG_FILE, "spoc.rules.apps", app) },
      ]),
    ),
    encapsulated: encapsulated.map((app) => ({
      app,
      declaredAt: locateTomlString(tomlText, "spoc.rules", "encapsulated", app),
    })),
  };
}

/** A problem `parseProjectConfig` threw, as an SPOC008 at its location. */
function configDiagnostic(error: unknown): Diagnostic {
  if (!(error instanceof SpocError)) throw error;
  return {
    code: ErrorCode.InvalidConfig,
    severity: "error",
    message: error.message,
    file: error.location?.file ?? PROJECT_CONFIG_FILE,
    line: error.location?.line ?? 1,
    column: error.location?.column ?? 1,
    hint: error.hint ?? `fix ${PROJECT_CONFIG_FILE}`,
  };
}

/** Where `app` is named: in settings' `installedApps`, or in the `[spoc.apps]` list that adds it in `mode`. */
function appDeclaration(
  app: string,
  mode: string,
  settingsAt: ReadonlyMap<string, { line: number; column: number }>,
  config: ProjectConfig,
  tomlText: string,
): SourceLocation {
  const inSettings = settingsAt.get(app);
  if (inSettings) return { file: SETTINGS_FILE, line: inSettings.line, column: inSettings.column };
  const cascade = [...(config.modes[mode] ?? [mode])].reverse();
  const step = cascade.find((m) => config.apps[m]?.includes(app)) ?? mode;
  return locateTomlString(tomlText, "spoc.apps", step, app);
}

/** The position of the string `value` in the TOML list `table.key`, or of the key when not found. */
function locateTomlString(text: string, table: string, key: string, value: string): SourceLocation {
  const at = locateTomlKey(text, PROJECT_CONFIG_FILE, table, key);
  const lines = text.split(/\r?\n/);
  for (let index = (at.line ?? 1) - 1; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (index >= (at.line ?? 1) && /^\s*\[/.test(line)) break;
    for (const quote of ['"', "'"]) {
      const column = line.indexOf(`${quote}${value}${quote}`, index === (at.line ?? 1) - 1 ? (at.column ?? 1) - 1 : 0);
      if (column >= 0) return { file: PROJECT_CONFIG_FILE, line: index + 1, column: column + 1 };
    }
  }
  return { file: PROJECT_CONFIG_FILE, line: at.line ?? 1, column: at.column ?? 1 };
}

/**
 * The app folders under `apps/`, sorted; a symbolic link to a folder counts (workspaces and
 * monorepos link apps in). A link that loops or points nowhere is reported, not skipped.
 */
function listFolders(root: string, diagnostics: Diagnostic[]): string[] {
  const path = join(root, "apps");
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    if (code === "ENOTDIR") {
      diagnostics.push(
        fileDiagnostic(
          "apps",
          "apps is a file; the apps live in the folder apps/",
          "rename the file apps, then create the folder apps/ with one folder per app",
        ),
      );
      return [];
    }
    throw fileAccessError(error, root) ?? error;
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) folders.push(entry.name);
    else if (entry.isSymbolicLink()) {
      const target = join(path, entry.name);
      try {
        if (statSync(target).isDirectory()) folders.push(entry.name);
      } catch (error) {
        const reason = fileAccessError(error, root, target);
        diagnostics.push(
          fileDiagnostic(
            `apps/${entry.name}`,
            `apps/${entry.name} is a symbolic link that cannot be followed: ${reason?.message ?? String(error)}`,
            reason?.hint ?? `point apps/${entry.name} at an existing folder`,
          ),
        );
      }
    }
  }
  return folders.sort();
}

/** An SPOC020 error for `file` (relative to the root), at its first line. */
function fileDiagnostic(file: string, message: string, hint: string): Diagnostic {
  return { code: ErrorCode.FileAccess, severity: "error", message, file, line: 1, column: 1, hint };
}

/** An error when the configuration file `file` exists but is not a file (a folder, a looping link). */
function notAFile(root: string, file: string): Diagnostic | undefined {
  let isFile: boolean;
  try {
    const stat = statSync(join(root, file), { throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    isFile = stat.isFile();
  } catch (error) {
    const reason = fileAccessError(error, root, join(root, file));
    if (reason === undefined) throw error;
    return fileDiagnostic(file, reason.message, reason.hint ?? `fix ${file}`);
  }
  if (isFile) return undefined;
  return fileDiagnostic(
    file,
    `${file} is a folder; it must be a file`,
    `remove or rename the folder ${file} and write the file in its place`,
  );
}
