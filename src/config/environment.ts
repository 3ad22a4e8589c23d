import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { ConfigError, ErrorCode } from "../errors.ts";
import { DEFAULT_MODE, type ProjectConfig } from "./project.ts";

/** An environment to read from or write to; `process.env` by default. */
export type EnvironmentTarget = Record<string, string | undefined>;

/** What named the mode, strongest first. */
export type ModeSource = "option" | "SPOC_MODE" | "config/.env" | "config/spoc.toml" | "default";

export interface ResolvedMode {
  readonly mode: string;
  readonly source: ModeSource;
}

export interface ResolveModeOptions {
  /** The project root; `config/.env` is read from it. */
  readonly baseDir: string;
  /** `spoc.toml`, whose `mode` is used when no variable names one. */
  readonly project?: ProjectConfig;
  /** A mode chosen by the caller; wins over everything. */
  readonly explicit?: string;
  /** @default process.env */
  readonly env?: Readonly<EnvironmentTarget>;
}

/**
 * Picks the mode: an explicit option, else `SPOC_MODE` from the process environment, else
 * `SPOC_MODE` from `config/.env`, else `[spoc] mode`, else `"development"`. Does not validate it.
 */
export function resolveMode(options: ResolveModeOptions): ResolvedMode {
  const env = options.env ?? process.env;
  if (options.explicit) return { mode: options.explicit, source: "option" };
  const fromProcess = env["SPOC_MODE"];
  if (fromProcess) return { mode: fromProcess, source: "SPOC_MODE" };
  const fromFile = readEnvFile(options.baseDir, "config/.env")?.["SPOC_MODE"];
  if (fromFile) return { mode: fromFile, source: "config/.env" };
  if (options.project) return { mode: options.project.mode, source: "config/spoc.toml" };
  return { mode: DEFAULT_MODE, source: "default" };
}

export interface LoadEnvironmentOptions {
  readonly baseDir: string;
  /** Selects `config/.env.<mode>`; validate it first, it names a file. */
  readonly mode: string;
  /** Where variables are applied; a variable already set there is never overridden. @default process.env */
  readonly target?: EnvironmentTarget;
}

export interface LoadedEnvironment {
  readonly mode: string;
  /** The files that were read, relative to the root, in reading order. */
  readonly files: readonly string[];
  /** The variables that were applied to the target (not those it already had). */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * Applies `config/.env.<mode>` and `config/.env` to `target`, with the precedence
 * process env > `.env.<mode>` > `.env`. Missing files are skipped.
 */
export function loadEnvironment(options: LoadEnvironmentOptions): LoadedEnvironment {
  const target = options.target ?? process.env;
  const files: string[] = [];
  const merged: Record<string, string> = {};
  for (const file of ["config/.env", `config/.env.${options.mode}`]) {
    const parsed = readEnvFile(options.baseDir, file);
    if (parsed === undefined) continue;
    files.push(file);
    Object.assign(merged, parsed);
  }
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) {
    if (target[name] !== undefined) continue;
    target[name] = value;
    variables[name] = value;
  }
  return { mode: options.mode, files, variables };
}

/**
 * `DEBUG` from the environment (`true|false|1|0`, any case) if set, else `fallback`.
 * @throws ConfigError `InvalidEnvironment` for any other value.
 */
export function resolveDebug(env: Readonly<EnvironmentTarget>, fallback: boolean): boolean {
  const raw = env["DEBUG"];
  if (raw === undefined || raw === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ConfigError(ErrorCode.InvalidEnvironment, `DEBUG must be true, false, 1 or 0, got ${JSON.stringify(raw)}`, {
    hint: "fix DEBUG in config/.env or in the process environment",
  });
}

function readEnvFile(baseDir: string, file: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(join(baseDir, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new ConfigError(ErrorCode.InvalidEnvironment, `cannot read ${file}: ${(error as Error).message}`, {
      location: { file },
      cause: error,
      hint: `make ${file} a readable file (check its permissions), or remove it`,
    });
  }
  return parseDotenv(text);
}
