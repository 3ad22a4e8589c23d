/**
 * Reads `config/settings.ts` statically: `installedApps` and `plugins`, which must be
 * literals. Other settings are the project's business and are not read.
 */
import { ErrorCode } from "../../errors.ts";
import { keyName, type ParsedModule, unwrapExpression } from "../parse/estree.ts";
import type { Diagnostic } from "../model.ts";
import {
  assignedValue,
  describe,
  findExport,
  parseErrorDiagnostic,
  readObject,
  readStringArray,
  reportNotStatic,
  staticContext,
  type LocatedString,
} from "../parse/static-values.ts";

/** What the generator knows from `config/settings.ts`. */
export interface SettingsRead {
  readonly installedApps: readonly LocatedString[];
  /** Plugin groups in file order, each with its references. */
  readonly plugins: readonly { readonly group: string; readonly refs: readonly LocatedString[] }[];
  readonly diagnostics: readonly Diagnostic[];
  /** The export holding the settings: `"default"` or `"settings"`. */
  readonly exportName: string;
}

const APPS_HINT = "write installedApps as a literal array of strings; the generator reads it without running your code";
const PLUGINS_HINT =
  'write plugins as a literal object of string arrays, e.g. plugins: { middleware: ["framework/plugins:requestTiming"] }; the generator reads it without running your code';

/** Reads the settings of a parsed `config/settings.ts`; `file` is its path relative to the root. */
export function readSettings(file: string, parsed: ParsedModule): SettingsRead {
  // A file that does not parse would be read wrongly (e.g. a missing `]` swallows the next property).
  const parseError = parseErrorDiagnostic(file, parsed);
  if (parseError !== undefined)
    return {
      installedApps: [],
      plugins: [],
      diagnostics: [parseError],
      exportName: findExport(parsed.program, ["settings"], true)?.exportName ?? "default",
    };
  const context = staticContext(file, parsed);
  const found = findExport(parsed.program, ["settings"], true);
  const object = found?.value;
  const exportName = found?.exportName ?? "default";
  if (object === undefined) {
    context.diagnostics.push({
      code: ErrorCode.InvalidConfig,
      severity: "error",
      message: `${file} has no settings export the generator can read`,
      file,
      line: 1,
      column: 1,
      hint: "write `export default defineSettings({ installedApps: [...] })`",
    });
    return { installedApps: [], plugins: [], diagnostics: context.diagnostics, exportName };
  }
  const literal = unwrapExpression(object);
  if (literal.type !== "ObjectExpression") {
    reportNotStatic(
      context,
      object,
      `the settings in ${file} must be an object literal, got ${describe(context, object)}`,
      APPS_HINT,
    );
    return { installedApps: [], plugins: [], diagnostics: context.diagnostics, exportName };
  }
  let installedApps: LocatedString[] = [];
  let foundApps = false;
  const plugins: { group: string; refs: LocatedString[] }[] = [];
  for (const property of literal.properties) {
    const name = property.type === "SpreadElement" ? undefined : keyName(property.key, property.computed);
    if (property.type === "SpreadElement" || (name !== "installedApps" && name !== "plugins")) continue;
    const value = assignedValue(property);
    if (value === undefined) {
      reportNotStatic(
        context,
        property,
        `${name} in ${file} must be written as \`${name}: <literal>\``,
        name === "plugins" ? PLUGINS_HINT : APPS_HINT,
      );
    } else if (name === "installedApps") {
      foundApps = true;
      installedApps = readStringArray(context, value, { label: "installedApps", hint: APPS_HINT }) ?? [];
    } else {
      for (const group of readObject(context, value, { label: "plugins", hint: PLUGINS_HINT }) ?? []) {
        if (group.value === undefined) {
          reportNotStatic(context, value, `plugins.${group.name} in ${file} must be an array of strings`, PLUGINS_HINT);
          continue;
        }
        plugins.push({
          group: group.name,
          refs: readStringArray(context, group.value, { label: `plugins.${group.name}`, hint: PLUGINS_HINT }) ?? [],
        });
      }
    }
  }
  const spread = literal.properties.find((property) => property.type === "SpreadElement");
  if (!foundApps && spread !== undefined) {
    reportNotStatic(
      context,
      spread,
      `installedApps in ${file} may come from a spread, which the generator cannot read`,
      APPS_HINT,
    );
  }
  return { installedApps, plugins, diagnostics: context.diagnostics, exportName };
}

/** Settings of a project without `config/settings.ts`. */
export const NO_SETTINGS: SettingsRead = { installedApps: [], plugins: [], diagnostics: [], exportName: "default" };
