/**
 * Stable error codes. SPOC001–SPOC014 and SPOC020–SPOC021 are the generator's diagnostic codes
 * (DESIGN.md); the runtime reuses them where it meets the same problem, and adds its own from
 * SPOC100; the build tools' plugin has SPOC030–SPOC039.
 */
export const ErrorCode = {
  SchemaCycle: "SPOC001",
  ImportCycle: "SPOC002",
  LayerViolation: "SPOC003",
  UnknownApp: "SPOC004",
  MissingModule: "SPOC005",
  KindMismatch: "SPOC006",
  DuplicateKey: "SPOC007",
  InvalidConfig: "SPOC008",
  UnknownModule: "SPOC009",
  ModeLeak: "SPOC010",
  UnresolvedPlugin: "SPOC011",
  UndeclaredAppDependency: "SPOC012",
  DeepImport: "SPOC013",
  UnknownRuleApp: "SPOC014",
  FileAccess: "SPOC020",
  UnregistrableComponent: "SPOC021",
  DecoratorsNeedEsbuild: "SPOC030",
  UnknownKind: "SPOC101",
  InvalidComponent: "SPOC102",
  HookFailed: "SPOC103",
  StaleRegistry: "SPOC104",
  InvalidEnvironment: "SPOC105",
  UnknownMode: "SPOC106",
  ModuleLoadFailed: "SPOC107",
  DatabaseInUse: "SPOC108",
  DatabaseUnusable: "SPOC109",
  JobsNotConfigured: "SPOC120",
  DatabaseUnreachable: "SPOC121",
  UnknownJob: "SPOC122",
  MissingPeerDependency: "SPOC123",
  JobQueueFailed: "SPOC124",
  ProjectFileMissing: "SPOC140",
  WorkerChildMissing: "SPOC130",
  BundleOptions: "SPOC131",
  BaseDirNotFound: "SPOC132",
  WorkerState: "SPOC201",
  WorkerFailed: "SPOC202",
  WorkerTimeout: "SPOC203",
  WorkerNotSerializable: "SPOC204",
  WorkerNotLocatable: "SPOC205",
  InvalidPayload: "SPOC210",
  NoQueueWorkers: "SPOC212",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where a problem is, relative to the project root with `/` separators. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
}

export interface SpocErrorOptions {
  /** How to fix it, in one sentence. */
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly cause?: unknown;
}

/** The one error family of spoc: every error a user can cause carries a stable `code`. */
export class SpocError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: SpocErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SpocError";
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** spoc.toml, settings, schema or environment variables are invalid. */
export class ConfigError extends SpocError {
  constructor(code: ErrorCode, message: string, options: SpocErrorOptions = {}) {
    super(code, message, options);
    this.name = "ConfigError";
  }
}

/** A cycle in a dependency graph; `cycle` starts and ends with the same node. */
export class DependencyCycleError extends SpocError {
  readonly cycle: readonly string[];

  constructor(code: ErrorCode, cycle: readonly string[], options: SpocErrorOptions = {}) {
    super(code, `dependency cycle: ${cycle.join(" -> ")}`, options);
    this.name = "DependencyCycleError";
    this.cycle = cycle;
  }
}

/** A background worker misbehaved or was misused. */
export class WorkerError extends SpocError {
  constructor(code: ErrorCode, message: string, options: SpocErrorOptions = {}) {
    super(code, message, options);
    this.name = "WorkerError";
  }
}

/** Formats an error for a person: code, message, location and hint, no stack trace. */
export function formatError(error: SpocError): string {
  const where = error.location
    ? ` (${error.location.file}${error.location.line === undefined ? "" : `:${error.location.line}${error.location.column === undefined ? "" : `:${error.location.column}`}`})`
    : "";
  const hint = error.hint ? `\n  hint: ${error.hint}` : "";
  return `${error.code} ${error.message}${where}${hint}`;
}
