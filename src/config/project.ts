import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, TomlError } from "smol-toml";
import { ConfigError, ErrorCode, type SourceLocation } from "../errors.ts";
import { describeValue, isTable } from "./_values.ts";
import { PROJECT_CONFIG_FILE } from "./files.ts";
import { closest } from "../did-you-mean.ts";
import { locateTomlEntry, locateTomlKey } from "./toml-location.ts";

/** `config/spoc.toml`, validated, with defaults filled in. */
export interface ProjectConfig {
  /** The mode to run in unless `SPOC_MODE` or an explicit option says otherwise. @default "development" */
  readonly mode: string;
  /** @default false */
  readonly debug: boolean;
  /** Apps added by each mode; every known mode has an entry. @default {} for every mode */
  readonly apps: Readonly<Record<string, readonly string[]>>;
  /** Plugin group → references `"path/from/root[.ts]:exportName"`, in file order. @default {} */
  readonly plugins: Readonly<Record<string, readonly string[]>>;
  /** Every known mode → its cascade (itself first, its base last), defaults merged in. */
  readonly modes: Readonly<Record<string, readonly string[]>>;
  /** Diagnostic codes `spoc check` silences (`[spoc.check] ignore`). @default [] */
  readonly checkIgnore: readonly string[];
  /** Which app may import which (`[spoc.rules]`). @default no rules */
  readonly appRules: AppRules;
}

/**
 * Architecture rules between apps (`[spoc.rules]` in spoc.toml). With none declared, any app
 * may import any other app's modules (as far as the schema's layers allow).
 */
export interface AppRules {
  /**
   * App → the other apps it may import at run time (`[spoc.rules.apps] blog = ["users"]`).
   * An app not listed may import any app; `[]` means none. @default {}
   */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
  /**
   * Apps whose public surface is their schema module files (`[spoc.rules] encapsulated =
   * ["users"]`): other apps may import `apps/users/models.ts`, never a deeper file. @default []
   */
  readonly encapsulated: readonly string[];
}

export { PROJECT_CONFIG_FILE };

/** The built-in modes and their cascades: a mode also installs the apps of the modes after it. */
export const DEFAULT_MODES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  production: Object.freeze(["production"]),
  staging: Object.freeze(["staging", "production"]),
  development: Object.freeze(["development", "staging", "production"]),
});

/** The mode used when nothing names one. */
export const DEFAULT_MODE = "development";

/**
 * Every table of `spoc.toml` and the keys it allows (`"any"`: its keys are names the user
 * chooses — modes, plugin groups). Anything else is an error at its own line, with a
 * suggestion for a near miss. A new setting is one line here (and its reader below).
 */
const TOML_TABLES: Readonly<Record<string, readonly string[] | "any">> = {
  "": ["spoc"],
  spoc: ["apps", "check", "debug", "mode", "modes", "plugins", "rules"],
  "spoc.apps": "any",
  "spoc.check": ["ignore"],
  "spoc.modes": "any",
  "spoc.plugins": "any",
  "spoc.rules": ["apps", "encapsulated"],
  "spoc.rules.apps": "any",
};
const MODE_NAME = /^[A-Za-z0-9_-]+$/;
/** The checks' diagnostic codes (SPOC001–SPOC029; SPOC03x are the build plugin's): the only ones `check` can silence. */
const DIAGNOSTIC_CODES: readonly string[] = Object.values(ErrorCode).filter((code) => code < "SPOC030");

/** The configuration a project without `config/spoc.toml` gets. */
export function defaultProjectConfig(): ProjectConfig {
  return {
    mode: DEFAULT_MODE,
    debug: false,
    apps: Object.fromEntries(Object.keys(DEFAULT_MODES).map((mode) => [mode, []])),
    plugins: {},
    modes: { ...DEFAULT_MODES },
    checkIgnore: [],
    appRules: { dependencies: {}, encapsulated: [] },
  };
}

/**
 * Parses and validates the text of `spoc.toml`. Pure: the generator reuses it and turns what
 * it throws into diagnostics.
 * @param file the path reported in error locations, relative to the project root.
 * @throws ConfigError `InvalidConfig` (with line and column) for invalid TOML or a wrong
 *   value; `UnknownMode` when `mode` names a mode that is not declared.
 */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const document = parseToml(text, file);
  const at = (table: string, key?: string): SourceLocation => locateTomlKey(text, file, table, key);
  rejectUnknownKeys(document, "", (table, key) => locateTomlEntry(text, file, table, key ?? ""));
  const spoc = document["spoc"];
  if (spoc === undefined) return defaultProjectConfig();
  if (!isTable(spoc)) {
    throw invalid(
      `"spoc" must be a table ([spoc]), got ${describeValue(spoc)}`,
      at("", "spoc"),
      "start the file with a [spoc] section",
    );
  }

  const modes = readModes(spoc["modes"], at);
  const known = Object.keys(modes).sort();
  const mode = readMode(spoc["mode"], known, at);
  const debug = spoc["debug"] ?? false;
  if (typeof debug !== "boolean") {
    throw invalid(
      `[spoc] debug must be true or false, got ${describeValue(debug)}`,
      at("spoc", "debug"),
      "write debug = false",
    );
  }
  return {
    mode,
    debug,
    apps: readApps(spoc["apps"], known, at),
    plugins: readStringLists(spoc["plugins"], "plugins", "references", at),
    modes,
    checkIgnore: readCheck(spoc["check"], at),
    appRules: readRules(spoc["rules"], at),
  };
}

/**
 * Reads `<baseDir>/config/spoc.toml`. A missing file is not an error: the defaults are used
 * and one warning says so.
 */
export async function readProjectConfig(baseDir: string): Promise<{ config: ProjectConfig; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(join(baseDir, PROJECT_CONFIG_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return {
        config: defaultProjectConfig(),
        warnings: [
          `${PROJECT_CONFIG_FILE} not found in ${baseDir}; using defaults (mode "${DEFAULT_MODE}", no apps from spoc.toml)`,
        ],
      };
    }
    throw new ConfigError(ErrorCode.InvalidConfig, `cannot read ${PROJECT_CONFIG_FILE}: ${(error as Error).message}`, {
      location: { file: PROJECT_CONFIG_FILE },
      cause: error,
      hint: `make ${PROJECT_CONFIG_FILE} a readable file (check its permissions), or remove it to use the defaults`,
    });
  }
  return { config: parseProjectConfig(text, PROJECT_CONFIG_FILE), warnings: [] };
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document:\s*/, "") ?? "invalid TOML";
    throw new ConfigError(ErrorCode.InvalidConfig, `invalid TOML in ${file}:${error.line}:${error.column}: ${reason}`, {
      location: { file, line: error.line, column: error.column },
      hint: "fix the TOML syntax at that position",
      cause: error,
    });
  }
}

type Locate = (table: string, key?: string) => SourceLocation;

function invalid(message: string, location: SourceLocation, hint: string): ConfigError {
  return new ConfigError(ErrorCode.InvalidConfig, message, { location, hint });
}

/** Throws at the first key of `table` (a path of {@link TOML_TABLES}) or of its sub-tables that is not known. */
function rejectUnknownKeys(table: Record<string, unknown>, path: string, at: Locate): void {
  const known = TOML_TABLES[path];
  if (known === undefined || known === "any") return;
  for (const [key, value] of Object.entries(table)) {
    const child = path === "" ? key : `${path}.${key}`;
    if (known.includes(key)) {
      if (isTable(value)) rejectUnknownKeys(value, child, at);
      continue;
    }
    const suggestion = closest(key, known);
    const what =
      path !== ""
        ? `unknown key "${key}" in [${path}]`
        : isTable(value)
          ? `unknown table [${key}]`
          : `unknown key "${key}" outside any table`;
    throw invalid(
      `${what}${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}; known ${path === "" ? "tables" : "keys"}: ${known.join(", ")}`,
      at(path, key),
      suggestion === undefined ? `remove "${key}", or move it where it belongs` : `rename "${key}" to "${suggestion}"`,
    );
  }
}

function readModes(value: unknown, at: Locate): Record<string, readonly string[]> {
  const declared = readStringLists(value, "modes", "mode names", at);
  const modes: Record<string, readonly string[]> = { ...DEFAULT_MODES, ...declared };
  const known = Object.keys(modes).sort();
  for (const [mode, cascade] of Object.entries(declared)) {
    const where = at("spoc.modes", mode);
    if (!MODE_NAME.test(mode)) {
      throw invalid(
        `[spoc.modes] "${mode}" is not a valid mode name`,
        where,
        "use letters, digits, '-' and '_' only (it names the file config/.env.<mode>)",
      );
    }
    if (cascade[0] !== mode) {
      throw invalid(
        `[spoc.modes] ${mode} must start with "${mode}" itself, got [${cascade.map((m) => `"${m}"`).join(", ")}]`,
        where,
        `write ${mode} = ["${mode}", ...base modes]`,
      );
    }
    for (const name of cascade) {
      if (!Object.hasOwn(modes, name)) {
        throw invalid(
          `[spoc.modes] ${mode} names unknown mode "${name}"; known modes: ${known.join(", ")}`,
          where,
          `declare "${name}" under [spoc.modes] or use a known mode`,
        );
      }
    }
    if (new Set(cascade).size !== cascade.length) {
      throw invalid(`[spoc.modes] ${mode} names a mode twice`, where, "list each mode of the cascade once");
    }
  }
  return modes;
}

function readMode(value: unknown, known: readonly string[], at: Locate): string {
  if (value === undefined) return DEFAULT_MODE;
  if (typeof value !== "string") {
    throw invalid(
      `[spoc] mode must be a string, got ${describeValue(value)}`,
      at("spoc", "mode"),
      `write mode = "${DEFAULT_MODE}"`,
    );
  }
  if (!known.includes(value)) {
    throw new ConfigError(
      ErrorCode.UnknownMode,
      `[spoc] mode "${value}" is not a known mode; known modes: ${known.join(", ")}`,
      {
        location: at("spoc", "mode"),
        hint: "use one of the known modes or declare it under [spoc.modes]",
      },
    );
  }
  return value;
}

function readApps(value: unknown, known: readonly string[], at: Locate): Record<string, readonly string[]> {
  const declared = readStringLists(value, "apps", "app names", at);
  for (const mode of Object.keys(declared)) {
    if (!known.includes(mode)) {
      throw invalid(
        `[spoc.apps] ${mode} is not a known mode; known modes: ${known.join(", ")}`,
        at("spoc.apps", mode),
        `use one of the known modes or declare "${mode}" under [spoc.modes]`,
      );
    }
  }
  return Object.fromEntries(known.map((mode) => [mode, declared[mode] ?? []]));
}

function readCheck(value: unknown, at: Locate): string[] {
  if (value === undefined) return [];
  if (!isTable(value)) {
    throw invalid(
      `[spoc] check must be a table, got ${describeValue(value)}`,
      at("spoc", "check"),
      'write [spoc.check] ignore = ["SPOC003"]',
    );
  }
  const ignore = value["ignore"] ?? [];
  const codes = stringList(ignore, "[spoc.check] ignore", "diagnostic codes", at("spoc.check", "ignore"));
  for (const code of codes) {
    if (!DIAGNOSTIC_CODES.includes(code)) {
      throw invalid(
        `[spoc.check] ignore has "${code}", which is not a diagnostic code`,
        at("spoc.check", "ignore"),
        `use codes from ${DIAGNOSTIC_CODES[0]} to ${DIAGNOSTIC_CODES.at(-1)}, e.g. "SPOC003"`,
      );
    }
  }
  return codes;
}

function readRules(value: unknown, at: Locate): AppRules {
  if (value === undefined) return { dependencies: {}, encapsulated: [] };
  if (!isTable(value)) {
    throw invalid(
      `[spoc] rules must be a table, got ${describeValue(value)}`,
      at("spoc", "rules"),
      'write [spoc.rules.apps] blog = ["users"]',
    );
  }
  const dependencies = readStringLists(value["apps"], "rules.apps", "app names", at);
  const encapsulated =
    value["encapsulated"] === undefined
      ? []
      : stringList(value["encapsulated"], "[spoc.rules] encapsulated", "app names", at("spoc.rules", "encapsulated"));
  return { dependencies, encapsulated };
}

/** A table of string lists: `[spoc.<name>] key = ["a", "b"]`. */
function readStringLists(value: unknown, name: string, what: string, at: Locate): Record<string, readonly string[]> {
  if (value === undefined) return {};
  if (!isTable(value)) {
    throw invalid(
      `[spoc] ${name} must be a table, got ${describeValue(value)}`,
      at("spoc", name),
      `write it as a [spoc.${name}] section`,
    );
  }
  const lists: Record<string, readonly string[]> = {};
  for (const [key, list] of Object.entries(value)) {
    lists[key] = stringList(list, `[spoc.${name}] ${key}`, what, at(`spoc.${name}`, key));
  }
  return lists;
}

function stringList(value: unknown, label: string, what: string, location: SourceLocation): string[] {
  if (!Array.isArray(value)) {
    const example = typeof value === "string" ? `[${JSON.stringify(value)}]` : "[]";
    throw invalid(
      `${label} must be an array of ${what}, got ${describeValue(value)}`,
      location,
      `write it as an array, e.g. ${example}`,
    );
  }
  for (const [index, item] of value.entries()) {
    if (typeof item !== "string") {
      throw invalid(
        `${label}[${index}] must be a string, got ${describeValue(item)}`,
        location,
        `quote it: ${label.split(" ").pop()} = [..., "name"]`,
      );
    }
  }
  return [...(value as string[])];
}
