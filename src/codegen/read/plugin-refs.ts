/**
 * Resolving plugin references (`"framework/plugins:requestTiming"`) at build time: the file
 * must exist (`<path>.ts` or `<path>/index.ts`, or the path as written when it has an
 * extension) and export the name. What does not resolve is an SPOC011 at the reference.
 */
import { join, relative, sep } from "node:path";
import { parsePluginRef, type PluginRef } from "../../config/plugins.ts";
import { ErrorCode, SpocError } from "../../errors.ts";
import type { ScanCache } from "../cache.ts";
import type { ParseError } from "../parse/ast.ts";
import { cachedFacts } from "../scan/cached-facts.ts";
import type { FileFacts } from "../scan/file-facts.ts";
import { PARSE_HINT } from "../parse/static-values.ts";
import type { Diagnostic, PluginRecord } from "../model.ts";
import type { PluginDeclaration } from "./project.ts";
import { fileExists, resolveSpecifier, type FileExistence } from "../scan/resolve.ts";

export interface ResolvedPlugins {
  readonly plugins: readonly PluginRecord[];
  readonly diagnostics: readonly Diagnostic[];
  /** Plugin files read, relative to the root. */
  readonly inputs: readonly string[];
}

/** Resolves every declared plugin reference against the files under `root`. */
export function resolvePluginFiles(
  root: string,
  declarations: readonly PluginDeclaration[],
  cache: ScanCache,
  existence: FileExistence,
): ResolvedPlugins {
  const plugins: PluginRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const inputs = new Set<string>();
  const factsOf = (file: string): FileFacts | undefined => cachedFacts(cache, file);
  const toRelative = (file: string): string => relative(root, file).split(sep).join("/");

  for (const declaration of declarations) {
    const { group, ref, declaredAt } = declaration;
    const fail = (message: string, hint: string): void => {
      diagnostics.push({
        code: ErrorCode.UnresolvedPlugin,
        severity: "error",
        message,
        file: declaredAt.file,
        line: declaredAt.line ?? 1,
        column: declaredAt.column ?? 1,
        hint,
      });
    };
    let parsed: PluginRef;
    try {
      parsed = parsePluginRef(ref);
    } catch (error) {
      if (!(error instanceof SpocError)) throw error;
      fail(`${error.message} (plugin group "${group}")`, error.hint ?? 'write "path/from/root:exportName"');
      plugins.push({ group, ref, file: undefined, exportName: "", declaredAt });
      continue;
    }
    const candidates = /\.[cm]?[jt]sx?$/.test(parsed.path)
      ? [parsed.path]
      : [`${parsed.path}.ts`, `${parsed.path}/index.ts`];
    const found = candidates.find((candidate) => fileExists(existence, join(root, candidate)));
    if (found === undefined) {
      fail(
        `plugin "${ref}" (group "${group}") does not resolve: none of ${candidates.join(", ")} exists`,
        `create ${candidates[0]} exporting "${parsed.exportName}", or fix the reference`,
      );
      plugins.push({ group, ref, file: undefined, exportName: parsed.exportName, declaredAt });
      continue;
    }
    const file = join(root, found);
    const parseError = factsOf(file)?.parseError;
    if (parseError !== undefined && !inputs.has(toRelative(file)))
      diagnostics.push(parseErrorAt(toRelative(file), parseError));
    inputs.add(toRelative(file));
    if (!exportsName(file, parsed.exportName, factsOf, existence, new Set())) {
      const names = [...(factsOf(file)?.exports.keys() ?? [])].filter((name) => name !== "default").sort();
      fail(
        `plugin "${ref}" (group "${group}"): ${toRelative(file)} has no export "${parsed.exportName}" (it exports: ${names.join(", ") || "nothing"})`,
        `export "${parsed.exportName}" from ${toRelative(file)}, or fix the reference`,
      );
      plugins.push({ group, ref, file: undefined, exportName: parsed.exportName, declaredAt });
      continue;
    }
    plugins.push({ group, ref, file: toRelative(file), exportName: parsed.exportName, declaredAt });
  }
  return { plugins, diagnostics, inputs: [...inputs].sort() };
}

/** An SPOC008 for a file that does not parse (`file` relative to the root). */
export function parseErrorAt(file: string, error: ParseError): Diagnostic {
  return {
    code: ErrorCode.InvalidConfig,
    severity: "error",
    message: `${file} does not parse: ${error.message}`,
    file,
    line: error.line,
    column: error.column,
    hint: PARSE_HINT,
  };
}

/** Whether `file` exports the value `name`, directly or through relative re-exports. */
function exportsName(
  file: string,
  name: string,
  factsOf: (file: string) => FileFacts | undefined,
  existence: FileExistence,
  seen: Set<string>,
): boolean {
  const facts = factsOf(file);
  if (facts === undefined || seen.has(file)) return false;
  seen.add(file);
  if (facts.exports.has(name) || facts.reExports.some((reExport) => reExport.exported === name)) return true;
  return facts.reExports.some((reExport) => {
    if (reExport.exported !== "*" || name === "default") return false;
    const target = resolveSpecifier(existence, file, reExport.specifier);
    return target !== undefined && exportsName(target, name, factsOf, existence, seen);
  });
}
