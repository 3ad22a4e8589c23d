/**
 * Small helpers over TypeScript's syntax tree. Nodes never leave the stage that parsed them:
 * what these helpers return is plain data (strings, numbers, locations).
 */
import type { ts } from "ts-morph";
import { typescript } from "./typescript.ts";
import type { SourceLocation } from "../../errors.ts";
import { createOffsetPositions } from "./estree.ts";
import { hollowInnerBlocks } from "./hollow-blocks.ts";

/** A 1-based position inside a file relative to the root. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Parses one file: no type checker, no parent pointers, no JSDoc (the generator never reads
 * comments), which keeps the parse as cheap as TypeScript allows.
 */
export function parseTypeScript(path: string, text: string): ts.SourceFile {
  const ts = typescript();
  return ts.createSourceFile(
    path,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    ts.ScriptKind.TS,
  );
}

/**
 * `parseTypeScript` for readers of top-level statements only: nested blocks are emptied first
 * (see hollow-blocks.ts; line and column numbers are kept, offsets are not), which makes the
 * parse several times cheaper. Falls back to the whole text when it cannot be hollowed safely
 * or the hollowed text does not parse, so syntax errors are reported from the original.
 */
export function parseTopLevel(path: string, text: string): ts.SourceFile {
  const hollowed = hollowInnerBlocks(text);
  if (hollowed !== undefined && hollowed !== text) {
    const source = parseTypeScript(path, hollowed);
    if (firstParseError(source) === undefined) return source;
  }
  return parseTypeScript(path, text);
}

/** The first syntax error TypeScript found in a file, located 1-based. */
export interface ParseError extends Position {
  readonly message: string;
}

/**
 * The first syntax error of a parsed file, or `undefined` when it parses. `parseDiagnostics`
 * is internal to TypeScript but always set by `createSourceFile`.
 */
export function firstParseError(source: ts.SourceFile): ParseError | undefined {
  const ts = typescript();
  const first = (source as ts.SourceFile & { readonly parseDiagnostics?: readonly ts.DiagnosticWithLocation[] })
    .parseDiagnostics?.[0];
  if (first === undefined) return undefined;
  const { line, character } = ts.getLineAndCharacterOfPosition(source, Math.min(first.start, source.text.length));
  return { message: ts.flattenDiagnosticMessageText(first.messageText, "\n"), line: line + 1, column: character + 1 };
}

/** Where `node` starts (after its leading trivia). */
export function positionOf(source: ts.SourceFile, node: ts.Node): Position {
  const ts = typescript();
  const { line, character } = ts.getLineAndCharacterOfPosition(source, node.getStart(source));
  return { line: line + 1, column: character + 1 };
}

/**
 * A cheaper `positionOf` for many nodes of one file asked in source order: counts line breaks
 * from the previous answer instead of indexing every line of the file.
 */
export function createPositions(source: ts.SourceFile): (node: ts.Node) => Position {
  const at = createOffsetPositions(source.text);
  return (node) => at(node.getStart(source));
}

/** `positionOf` with the file attached. */
export function locate(file: string, source: ts.SourceFile, node: ts.Node): SourceLocation & Position {
  return { file, ...positionOf(source, node) };
}

/** Strips `( … )`, `… as const`, `… satisfies T` and `…!`, which do not change a value. */
export function unwrap(node: ts.Expression): ts.Expression {
  const ts = typescript();
  let current = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isNonNullExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The text of a string literal or a template without substitutions, else `undefined`. */
export function stringValue(node: ts.Node): string | undefined {
  const ts = typescript();
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

/** The name of a property written as an identifier, a string or a number, else `undefined`. */
export function propertyName(name: ts.PropertyName | ts.ModuleExportName): string | undefined {
  const ts = typescript();
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name))
    return name.text;
  if (ts.isComputedPropertyName(name)) return stringValue(unwrap(name.expression));
  return undefined;
}

/** Whether a declaration carries `export` (and, when asked, `default`). */
export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const ts = typescript();
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return modifiers?.some((modifier) => modifier.kind === kind) ?? false;
}

/** The decorators written on a class, in source order. */
export function decoratorsOf(node: ts.ClassDeclaration): readonly ts.Decorator[] {
  const ts = typescript();
  return ts.getDecorators(node) ?? [];
}
