import { ConfigError, ErrorCode } from "../errors.ts";

/** Bounds for {@link env.int}, inclusive. */
export interface IntRange {
  /** @default Number.MIN_SAFE_INTEGER */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

const WHERE = "config/.env (or config/.env.<mode>, or the process environment)";
const TRUE = ["true", "1", "yes", "on"];
const FALSE = ["false", "0", "no", "off"];

function read(name: string): string | undefined {
  return process.env[name];
}

function missing(name: string): ConfigError {
  return new ConfigError(ErrorCode.InvalidEnvironment, `environment variable ${name} is not set`, {
    hint: `set ${name} in ${WHERE}`,
  });
}

function malformed(name: string, expected: string, raw: string): ConfigError {
  return new ConfigError(ErrorCode.InvalidEnvironment, `${name} must be ${expected}, got ${JSON.stringify(raw)}`, {
    hint: `fix ${name} in ${WHERE}`,
  });
}

/** The variable as text. @throws ConfigError `InvalidEnvironment` when unset and no default. */
function string(name: string, fallback?: string): string {
  const raw = read(name);
  if (raw !== undefined) return raw;
  if (fallback !== undefined) return fallback;
  throw missing(name);
}

/**
 * The variable as an integer (decimal digits, optional sign), within `range`.
 * @throws ConfigError `InvalidEnvironment` when unset without default, not an integer, or out of range.
 */
function int(name: string, fallback?: number, range: IntRange = {}): number {
  const raw = read(name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw missing(name);
  }
  if (!/^[+-]?\d+$/.test(raw.trim())) throw malformed(name, "an integer", raw);
  const value = Number(raw.trim());
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw malformed(name, `an integer between ${min} and ${max}`, raw);
  }
  return value;
}

/**
 * The variable as a boolean: true/false, 1/0, yes/no, on/off, any case.
 * @throws ConfigError `InvalidEnvironment` when unset without default or not one of those.
 */
function bool(name: string, fallback?: boolean): boolean {
  const raw = read(name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw missing(name);
  }
  const value = raw.trim().toLowerCase();
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw malformed(name, "a boolean (true/false, 1/0, yes/no, on/off)", raw);
}

/**
 * The variable as one of `choices` (exact match).
 * @throws ConfigError `InvalidEnvironment` when unset without default or not a choice.
 */
function oneOf<const T extends readonly string[]>(name: string, choices: T, fallback?: T[number]): T[number] {
  const raw = read(name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw missing(name);
  }
  const match = choices.find((choice) => choice === raw);
  if (match !== undefined) return match;
  throw malformed(name, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, raw);
}

/**
 * Typed readers of environment variables for `config/settings.ts`. They read `process.env`
 * when called, so call them after the `.env` files are loaded (as `loadConfig` does).
 */
export const env = { string, int, bool, oneOf } as const;
