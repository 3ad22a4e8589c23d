/**
 * Reading literal values out of a syntax tree without running the code. Whatever is not a
 * literal becomes an SPOC008 diagnostic pointing at the offending node.
 */
import { ts } from "ts-morph";
import { ErrorCode } from "../../errors.ts";
import { firstParseError, hasModifier, positionOf, propertyName, stringValue, unwrap, type Position } from "./ast.ts";
import type { Diagnostic } from "../model.ts";

/** The file being read and the diagnostics found in it. */
export interface StaticContext {
  readonly file: string;
  readonly source: ts.SourceFile;
  readonly diagnostics: Diagnostic[];
}

/** A string read from the source, with where it was written. */
export interface LocatedString extends Position {
  readonly value: string;
}

/** A property of an object literal: its static name and its value node. */
export interface StaticProperty {
  readonly name: string;
  readonly at: Position;
  /** `undefined` for methods and shorthand properties, whose value is code. */
  readonly value: ts.Expression | undefined;
}

/** An SPOC008 diagnostic at `at` in `file`. */
export function invalidConfig(file: string, at: Position, message: string, hint: string): Diagnostic {
  return { code: ErrorCode.InvalidConfig, severity: "error", message, file, line: at.line, column: at.column, hint };
}

/** The hint of a file that does not parse. */
export const PARSE_HINT = "fix the syntax error; the generator reads this file without running it";

/** An SPOC008 for the first syntax error of `source`, or `undefined` when it parses. */
export function parseErrorDiagnostic(file: string, source: ts.SourceFile): Diagnostic | undefined {
  const error = firstParseError(source);
  return error === undefined
    ? undefined
    : invalidConfig(file, error, `${file} does not parse: ${error.message}`, PARSE_HINT);
}

/** Records an SPOC008 at `node`. */
export function reportNotStatic(context: StaticContext, node: ts.Node, message: string, hint: string): void {
  context.diagnostics.push(invalidConfig(context.file, positionOf(context.source, node), message, hint));
}

/** An array literal of string literals, e.g. `["users", "blog"]`. */
export function readStringArray(
  context: StaticContext,
  node: ts.Expression,
  label: string,
  hint: string,
): LocatedString[] | undefined {
  const array = unwrap(node);
  if (!ts.isArrayLiteralExpression(array)) {
    reportNotStatic(
      context,
      node,
      `${label} in ${context.file} must be a literal array of strings, got ${describe(context, array)}`,
      hint,
    );
    return undefined;
  }
  const values: LocatedString[] = [];
  for (const element of array.elements) {
    const value = stringValue(unwrap(element));
    if (value === undefined) {
      reportNotStatic(
        context,
        element,
        `${label} in ${context.file} must hold only string literals, got ${describe(context, element)}`,
        hint,
      );
      return undefined;
    }
    values.push({ value, ...positionOf(context.source, element) });
  }
  return values;
}

/** An object literal whose property names are static; spreads and computed names are reported. */
export function readObject(
  context: StaticContext,
  node: ts.Expression,
  label: string,
  hint: string,
): StaticProperty[] | undefined {
  const object = unwrap(node);
  if (!ts.isObjectLiteralExpression(object)) {
    reportNotStatic(
      context,
      node,
      `${label} in ${context.file} must be an object literal, got ${describe(context, object)}`,
      hint,
    );
    return undefined;
  }
  const properties: StaticProperty[] = [];
  for (const property of object.properties) {
    const name = property.name === undefined ? undefined : propertyName(property.name);
    if (ts.isSpreadAssignment(property) || name === undefined || property.name === undefined) {
      reportNotStatic(
        context,
        property,
        `${label} in ${context.file} must name its keys literally, got ${describe(context, property)}`,
        hint,
      );
      return undefined;
    }
    const value = ts.isPropertyAssignment(property) ? property.initializer : undefined;
    properties.push({ name, at: positionOf(context.source, property.name), value });
  }
  return properties;
}

/** `true` or `false`. */
export function readBoolean(
  context: StaticContext,
  node: ts.Expression,
  label: string,
  hint: string,
): boolean | undefined {
  const value = unwrap(node);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
  reportNotStatic(
    context,
    node,
    `${label} in ${context.file} must be the literal true or false, got ${describe(context, value)}`,
    hint,
  );
  return undefined;
}

/**
 * The object a config file exports: `export default f({…})`, `export default {…}`,
 * `export const <name> = f({…})`, or a top-level `const` of this file that one of them names.
 * Returns the expression (call arguments unwrapped to the object) or `undefined` when the file
 * exports none of these.
 */
export function findExportedObject(
  source: ts.SourceFile,
  constNames: readonly string[],
  acceptDefault: boolean,
): ts.Expression | undefined {
  return findExport(source, constNames, acceptDefault)?.value;
}

/** `findExportedObject`, also telling which export holds the object (`"default"` or one of `constNames`). */
export function findExport(
  source: ts.SourceFile,
  constNames: readonly string[],
  acceptDefault: boolean,
): { readonly exportName: string; readonly value: ts.Expression | undefined } | undefined {
  const locals = new Map<string, ts.Expression>();
  let named: { exportName: string; value: ts.Expression } | undefined;
  let byDefault: ts.Expression | undefined;
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
        locals.set(declaration.name.text, declaration.initializer);
        if (exported && constNames.includes(declaration.name.text))
          named ??= { exportName: declaration.name.text, value: declaration.initializer };
      }
    } else if (acceptDefault && ts.isExportAssignment(statement) && !statement.isExportEquals) {
      byDefault ??= statement.expression;
    }
  }
  // The default export wins: it is what the runtime imports.
  const exportName = byDefault !== undefined ? "default" : named?.exportName;
  let found = byDefault ?? named?.value;
  if (found === undefined || exportName === undefined) return undefined;
  // Follow `export default settings` to its `const`, and `define…({…})` to its argument.
  for (let depth = 0; found !== undefined && depth < 8; depth++) {
    const value: ts.Expression = unwrap(found);
    if (ts.isIdentifier(value) && locals.has(value.text)) found = locals.get(value.text);
    else if (ts.isCallExpression(value) && value.arguments.length === 1 && value.arguments[0] !== undefined)
      found = value.arguments[0];
    else return { exportName, value };
  }
  return { exportName, value: found };
}

/** A short description of a node for messages: its source text, cut to one line. */
export function describe(context: StaticContext, node: ts.Node): string {
  const text = node.getText(context.source).replace(/\s+/g, " ");
  return `\`${text.length > 40 ? `${text.slice(0, 37)}...` : text}\``;
}
