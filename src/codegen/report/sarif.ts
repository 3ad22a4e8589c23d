/**
 * SARIF 2.1.0 output of `spoc check --format sarif`, for code-scanning tools: one result
 * per diagnostic, locations relative to `%SRCROOT%`.
 */
import { ErrorCode } from "../../errors.ts";
import type { Location, Log, Result } from "sarif";
import type { Diagnostic } from "../model.ts";
import type { BaselineEntry } from "./baseline.ts";

/** Short descriptions of the generator's diagnostic codes (DESIGN.md, Diagnostics). */
export const diagnosticRules: Readonly<Record<string, string>> = {
  [ErrorCode.SchemaCycle]: "Cycle in the schema's module dependencies",
  [ErrorCode.ImportCycle]: "Runtime import cycle between app modules",
  [ErrorCode.LayerViolation]: "A module imports a module kind its schema dependencies do not allow",
  [ErrorCode.UnknownApp]: "An installed app has no folder under apps/",
  [ErrorCode.MissingModule]: "An app lacks a schema module file",
  [ErrorCode.KindMismatch]: "A component's kind does not belong to the module it is declared in",
  [ErrorCode.DuplicateKey]: "Two components share one key",
  [ErrorCode.InvalidConfig]: "spoc.toml, settings or schema invalid or not statically readable",
  [ErrorCode.UnknownModule]: "Schema dependencies or hooks name an unknown module",
  [ErrorCode.ModeLeak]: "An app installed in every mode imports an app installed only in some",
  [ErrorCode.UnresolvedPlugin]: "A plugin reference does not resolve",
  [ErrorCode.UndeclaredAppDependency]: "An app imports an app its [spoc.rules.apps] entry does not list",
  [ErrorCode.DeepImport]: "An app imports a file of an encapsulated app other than its schema module files",
  [ErrorCode.UnknownRuleApp]: "[spoc.rules] names an app that is not installed",
  [ErrorCode.FileAccess]: "A project file or folder cannot be read or followed",
  [ErrorCode.UnregistrableComponent]: "A registered class is a default export and has no key",
};

/** The SARIF `$schema` URI. */
const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

/** A SARIF 2.1.0 log (the types of `@types/sarif`). */
export type SarifLog = Log;

export interface SarifOptions {
  /** `tool.driver.version`. */
  readonly toolVersion?: string;
  /**
   * With `--baseline`: the diagnostics the baseline records (`baselineState: "unchanged"`; the
   * others are `"new"`) and the entries no longer found (results with `baselineState: "absent"`).
   */
  readonly baseline?: { readonly known: ReadonlySet<Diagnostic>; readonly absent: readonly BaselineEntry[] };
}

/** A SARIF 2.1.0 log of the diagnostics; `JSON.stringify` it to print. */
export function toSarif(diagnostics: readonly Diagnostic[], options: SarifOptions = {}): SarifLog {
  const { baseline } = options;
  const ruleIds = Object.keys(diagnosticRules);
  for (const { code } of [...diagnostics, ...(baseline?.absent ?? [])]) if (!ruleIds.includes(code)) ruleIds.push(code);
  const rules = ruleIds.map((id) => ({ id, shortDescription: { text: diagnosticRules[id] ?? id } }));
  return {
    $schema: sarifSchema,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "spoc",
            ...(options.toolVersion === undefined ? {} : { version: options.toolVersion }),
            rules,
          },
        },
        columnKind: "utf16CodeUnits",
        results: [
          ...diagnostics.map((diagnostic) => {
            const result = toResult(diagnostic, ruleIds.indexOf(diagnostic.code));
            if (baseline === undefined) return result;
            return { ...result, baselineState: baseline.known.has(diagnostic) ? "unchanged" : "new" } as const;
          }),
          ...(baseline?.absent ?? []).map((entry) => absentResult(entry, ruleIds.indexOf(entry.code))),
        ],
      },
    ],
  };
}

function toResult(diagnostic: Diagnostic, ruleIndex: number): Result {
  const text = [
    diagnostic.message,
    diagnostic.cycle === undefined ? undefined : `Cycle: ${diagnostic.cycle.join(" -> ")}.`,
    diagnostic.hint === undefined ? undefined : `Hint: ${diagnostic.hint}`,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
  const related = (diagnostic.related ?? [])
    .filter((location) => location.file !== "")
    .map((location, id) => ({ id, ...toLocation(location), message: { text: location.message } }));
  return {
    ruleId: diagnostic.code,
    ruleIndex,
    level: diagnostic.severity,
    message: { text },
    locations: diagnostic.file === "" ? [] : [toLocation(diagnostic)],
    ...(related.length === 0 ? {} : { relatedLocations: related }),
  };
}

/** A baseline entry no longer found: reported so the baseline can shrink. */
function absentResult(entry: BaselineEntry, ruleIndex: number): Result {
  return {
    ruleId: entry.code,
    ruleIndex,
    level: "none",
    message: { text: `No longer found (remove it from the baseline with --update-baseline): ${entry.key}` },
    locations: entry.file === "" ? [] : [toLocation({ file: entry.file })],
    baselineState: "absent",
  };
}

function toLocation(location: { readonly file: string; readonly line?: number; readonly column?: number }): Location {
  const line = location.line ?? 0;
  const column = location.column ?? 0;
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(location.file), uriBaseId: "%SRCROOT%" },
      ...(line >= 1 ? { region: { startLine: line, ...(column >= 1 ? { startColumn: column } : {}) } } : {}),
    },
  };
}
