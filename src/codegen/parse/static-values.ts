/**
 * Reading literal values out of a syntax tree (oxc's ESTree) without running the code.
 * Whatever is not a literal becomes an SPOC008 diagnostic pointing at the offending node.
 */
import type { Expression, Node, ObjectProperty, Program } from "oxc-parser";
import { ErrorCode } from "../../errors.ts";
import type { Diagnostic } from "../model.ts";
import { firstParseError, parseTypeScript, type Position } from "./ast.ts";
import { createOffsetPositions, keyName, literalString, type ParsedModule, unwrapExpression } from "./estree.ts";

/** The file being read and the diagnostics found in it. */
export interface StaticContext {
  readonly file: string;
  readonly text: string;
  readonly positionOf: (offset: number) => Position;
  readonly diagnostics: Diagnostic[];
}

/** A new context for reading `parsed` (the file at `file`, relative to the root). */
export function staticContext(file: string, parsed: ParsedModule): StaticContext {
  return { file, text: parsed.text, positionOf: createOffsetPositions(parsed.text), diagnostics: [] };
}

/** A string read from the source, with where it was written. */
export interface LocatedString extends Position {
  readonly value: string;
}

/** A property of an object literal: its static name and its value node. */
export interface StaticProperty {
  readonly name: string;
  readonly at: Position;
  /** `undefined` for methods, accessors and shorthand properties, whose value is code. */
  readonly value: Expression | undefined;
}

/** What a literal read from a config file stands for, for its diagnostics. */
export interface Subject {
  /** `"schema modules"`, `"installedApps"`: what the message says must be a literal. */
  readonly label: string;
  /** How to fix it. */
  readonly hint: string;
}

/** An SPOC008 diagnostic at `at` in `file`. */
export function invalidConfig(file: string, at: Position, message: string, hint: string): Diagnostic {
  return { code: ErrorCode.InvalidConfig, severity: "error", message, file, line: at.line, column: at.column, hint };
}

/** The hint of a file that does not parse. */
export const PARSE_HINT = "fix the syntax error; the generator reads this file without running it";

/**
 * An SPOC008 for the first syntax error of a file, or `undefined` when it parses. The message
 * and position are TypeScript's (loaded only for a broken file), so they match what tsc says.
 */
export function parseErrorDiagnostic(file: string, parsed: ParsedModule): Diagnostic | undefined {
  if (parsed.errorAt === undefined) return undefined;
  const error = firstParseError(parseTypeScript(file, parsed.text)) ?? {
    message: "syntax error",
    ...createOffsetPositions(parsed.text)(parsed.errorAt),
  };
  return invalidConfig(file, error, `${file} does not parse: ${error.message}`, PARSE_HINT);
}

/** Records an SPOC008 at `node`. */
export function reportNotStatic(context: StaticContext, node: Node, message: string, hint: string): void {
  context.diagnostics.push(invalidConfig(context.file, context.positionOf(node.start), message, hint));
}

/** Records an SPOC008 at `node`: "<label> in <file> must <requirement>, got <node's text>". */
function reportUnmet(
  context: StaticContext,
  node: Node,
  subject: Subject,
  requirement: string,
  got = describe(context, node),
): undefined {
  reportNotStatic(context, node, `${subject.label} in ${context.file} must ${requirement}, got ${got}`, subject.hint);
  return undefined;
}

/** `node` unwrapped, when it is a `type` node; else `undefined`, with an SPOC008 saying it must `requirement`. */
function literalOf<T extends Expression["type"]>(
  context: StaticContext,
  node: Expression,
  type: T,
  subject: Subject,
  requirement: string,
): Extract<Expression, { type: T }> | undefined {
  const value = unwrapExpression(node);
  if (value.type === type) return value as Extract<Expression, { type: T }>;
  return reportUnmet(context, node, subject, requirement, describe(context, value));
}

/** An array literal of string literals, e.g. `["users", "blog"]`. */
export function readStringArray(
  context: StaticContext,
  node: Expression,
  subject: Subject,
): LocatedString[] | undefined {
  const array = literalOf(context, node, "ArrayExpression", subject, "be a literal array of strings");
  if (array === undefined) return undefined;
  const values: LocatedString[] = [];
  for (const element of array.elements) {
    if (element === null) return reportUnmet(context, array, subject, "hold only string literals", "a hole");
    const value = element.type === "SpreadElement" ? undefined : literalString(unwrapExpression(element));
    if (value === undefined) return reportUnmet(context, element, subject, "hold only string literals");
    values.push({ value, ...context.positionOf(element.start) });
  }
  return values;
}

/** An object literal whose property names are static; spreads and computed names are reported. */
export function readObject(context: StaticContext, node: Expression, subject: Subject): StaticProperty[] | undefined {
  const object = literalOf(context, node, "ObjectExpression", subject, "be an object literal");
  if (object === undefined) return undefined;
  const properties: StaticProperty[] = [];
  for (const property of object.properties) {
    const name = property.type === "SpreadElement" ? undefined : keyName(property.key, property.computed);
    if (property.type === "SpreadElement" || name === undefined)
      return reportUnmet(context, property, subject, "name its keys literally");
    properties.push({ name, at: context.positionOf(property.key.start), value: assignedValue(property) });
  }
  return properties;
}

/** The value of `key: value`; `undefined` for a method, an accessor or a shorthand property. */
export function assignedValue(property: ObjectProperty): Expression | undefined {
  return property.kind === "init" && !property.method && !property.shorthand ? property.value : undefined;
}

/** `true` or `false`. */
export function readBoolean(context: StaticContext, node: Expression, subject: Subject): boolean | undefined {
  const value = unwrapExpression(node);
  if (value.type === "Literal" && typeof value.value === "boolean") return value.value;
  return reportUnmet(context, node, subject, "be the literal true or false", describe(context, value));
}

/**
 * The object a config file exports: `export default f({…})`, `export default {…}`,
 * `export const <name> = f({…})`, or a top-level `const` of this file that one of them names.
 * Returns the expression (call arguments unwrapped to the object) or `undefined` when the file
 * exports none of these.
 */
export function findExportedObject(
  program: Program,
  constNames: readonly string[],
  acceptDefault: boolean,
): Expression | undefined {
  return findExport(program, constNames, acceptDefault)?.value;
}

/** `findExportedObject`, also telling which export holds the object (`"default"` or one of `constNames`). */
export function findExport(
  program: Program,
  constNames: readonly string[],
  acceptDefault: boolean,
): { readonly exportName: string; readonly value: Expression | undefined } | undefined {
  const locals = new Map<string, Expression>();
  let named: { exportName: string; value: Expression } | undefined;
  let byDefault: Expression | undefined;
  for (const statement of program.body) {
    const exported = statement.type === "ExportNamedDeclaration";
    const declaration = exported ? statement.declaration : statement;
    if (declaration?.type === "VariableDeclaration") {
      for (const declarator of declaration.declarations) {
        if (declarator.id.type !== "Identifier" || declarator.init === null) continue;
        locals.set(declarator.id.name, declarator.init);
        if (exported && constNames.includes(declarator.id.name))
          named ??= { exportName: declarator.id.name, value: declarator.init };
      }
    } else if (acceptDefault && statement.type === "ExportDefaultDeclaration") {
      const value = statement.declaration;
      if (
        value.type !== "ClassDeclaration" &&
        value.type !== "FunctionDeclaration" &&
        value.type !== "TSDeclareFunction" &&
        value.type !== "TSInterfaceDeclaration"
      )
        byDefault ??= value as Expression;
    }
  }
  // The default export wins: it is what the runtime imports.
  const exportName = byDefault !== undefined ? "default" : named?.exportName;
  let found = byDefault ?? named?.value;
  if (found === undefined || exportName === undefined) return undefined;
  // Follow `export default settings` to its `const`, and `define…({…})` to its argument.
  for (let depth = 0; found !== undefined && depth < 8; depth++) {
    const value: Expression = unwrapExpression(found);
    const argument = value.type === "CallExpression" && value.arguments.length === 1 ? value.arguments[0] : undefined;
    if (value.type === "Identifier" && locals.has(value.name)) found = locals.get(value.name);
    else if (argument !== undefined && argument.type !== "SpreadElement") found = argument;
    else return { exportName, value };
  }
  return { exportName, value: found };
}

/** A short description of a node for messages: its source text, cut to one line. */
export function describe(context: StaticContext, node: Node): string {
  const text = context.text.slice(node.start, node.end).replace(/\s+/g, " ");
  return `\`${text.length > 40 ? `${text.slice(0, 37)}...` : text}\``;
}
