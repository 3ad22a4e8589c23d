/**
 * Reads `config/schema.ts` statically: `modules`, `dependencies` and `strict` must be
 * literals; of `hooks` only the property names are read (their values are functions).
 */
import type { Expression } from "oxc-parser";
import { ErrorCode, type SourceLocation } from "../../errors.ts";
import type { ParsedModule } from "../parse/estree.ts";
import { schemaFingerprint } from "../../schema.ts";
import type { Diagnostic, SchemaModel } from "../model.ts";
import {
  findExportedObject,
  invalidConfig,
  parseErrorDiagnostic,
  readBoolean,
  readObject,
  readStringArray,
  type Subject,
  staticContext,
} from "../parse/static-values.ts";

/** The schema, or `undefined` when its modules cannot be read; plus what was wrong. */
export interface SchemaRead {
  readonly schema: SchemaModel | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** A module is `apps/<app>/<module>.ts`: a plain name, never a path. */
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const HINT =
  'write the schema as literals, e.g. defineSchema({ modules: ["models", "services"], dependencies: { services: ["models"] } }); the generator reads it without running your code';

/** A part of the schema (`"schema modules"`), read as a literal. */
function part(label: string): Subject {
  return { label, hint: HINT };
}

/** Reads a parsed `config/schema.ts`; `file` is its path relative to the root. */
export function readSchema(file: string, parsed: ParsedModule): SchemaRead {
  const parseError = parseErrorDiagnostic(file, parsed);
  if (parseError !== undefined) return { schema: undefined, diagnostics: [parseError] };
  const context = staticContext(file, parsed);
  const object = findExportedObject(parsed.program, ["schema"], true);
  if (object === undefined) {
    return {
      schema: undefined,
      diagnostics: [
        invalidConfig(
          file,
          { line: 1, column: 1 },
          `${file} does not export a schema the generator can read`,
          "write `export const schema = defineSchema({ modules: [...] })`",
        ),
      ],
    };
  }
  const properties = readObject(context, object, part("the schema"));
  if (properties === undefined) return { schema: undefined, diagnostics: context.diagnostics };
  const property = (name: string): Expression | undefined => properties.find((p) => p.name === name)?.value;

  const modulesNode = property("modules");
  const modules = modulesNode === undefined ? undefined : readStringArray(context, modulesNode, part("schema modules"));
  if (modulesNode === undefined) {
    context.diagnostics.push(
      invalidConfig(file, context.positionOf(object.start), `the schema in ${file} has no \`modules\``, HINT),
    );
  }
  if (modules === undefined) return { schema: undefined, diagnostics: context.diagnostics };
  const seen = new Set<string>();
  for (const module of modules) {
    if (!MODULE_NAME.test(module.value)) {
      context.diagnostics.push(
        invalidConfig(
          file,
          module,
          `schema module ${JSON.stringify(module.value)} in ${file} is not a valid module name`,
          'a module name is the name of a file in every app folder: use letters, digits, "_" and "-", starting with a letter (e.g. "models")',
        ),
      );
      continue;
    }
    if (seen.has(module.value))
      context.diagnostics.push(
        invalidConfig(file, module, `schema modules in ${file} name "${module.value}" twice`, "list each module once"),
      );
    seen.add(module.value);
  }

  const dependencies: Record<string, string[]> = {};
  const dependencyLocations: Record<string, SourceLocation> = {};
  const dependenciesNode = property("dependencies");
  for (const entry of dependenciesNode === undefined
    ? []
    : (readObject(context, dependenciesNode, part("schema dependencies")) ?? [])) {
    const list =
      entry.value === undefined
        ? undefined
        : readStringArray(context, entry.value, part(`schema dependencies.${entry.name}`));
    if (entry.value === undefined)
      context.diagnostics.push(
        invalidConfig(
          file,
          entry.at,
          `schema dependencies.${entry.name} in ${file} must be an array of module names`,
          HINT,
        ),
      );
    dependencies[entry.name] = (list ?? []).map((dependency) => dependency.value);
    dependencyLocations[entry.name] = { file, line: entry.at.line, column: entry.at.column };
    for (const dependency of list ?? []) {
      const key = `${entry.name}->${dependency.value}`;
      dependencyLocations[key] ??= { file, line: dependency.line, column: dependency.column };
    }
  }

  const hookModules: Record<string, SourceLocation> = {};
  const hooksNode = property("hooks");
  for (const hook of hooksNode === undefined ? [] : (readObject(context, hooksNode, part("schema hooks")) ?? [])) {
    hookModules[hook.name] ??= { file, line: hook.at.line, column: hook.at.column };
  }

  const strictNode = property("strict");
  const strict = strictNode === undefined ? true : (readBoolean(context, strictNode, part("schema strict")) ?? true);
  const moduleNames = [...seen];
  return {
    schema: {
      file,
      modules: moduleNames,
      dependencies,
      dependencyLocations,
      hookModules,
      strict,
      fingerprint: schemaFingerprint({ modules: moduleNames, dependencies }),
    },
    diagnostics: context.diagnostics,
  };
}

/** A missing `config/schema.ts`. */
export function missingSchema(file: string): SchemaRead {
  return {
    schema: undefined,
    diagnostics: [
      {
        code: ErrorCode.InvalidConfig,
        severity: "error",
        message: `${file} not found; the generator needs the schema to know every app's modules`,
        file,
        line: 1,
        column: 1,
        hint: `create ${file} with \`export const schema = defineSchema({ modules: ["models", "services"] })\``,
      },
    ],
  };
}
