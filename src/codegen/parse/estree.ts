/**
 * Parsing with oxc-parser, a native parser that loads in milliseconds where TypeScript's takes
 * half a second, and small helpers over its ESTree. Like ast.ts, nothing here lets a node leave
 * the stage that parsed it. Positions count lines by `\n`, as the scan always has.
 */
import { type Expression, type Node, type OxcError, type Program, parseSync } from "oxc-parser";
import { parseSync as parseNative } from "oxc-parser/src-js/bindings";
import type { Position } from "./ast.ts";

/** A parsed file: its statements, or the first syntax error oxc found. */
export interface ParsedModule {
  readonly program: Program;
  readonly text: string;
  /** Offset (UTF-16) of the first syntax error, when there is one. */
  readonly errorAt: number | undefined;
}

const OPTIONS = { lang: "ts", sourceType: "module", preserveParens: true } as const;

/** Parses TypeScript (never JSX), as a module. */
export function parseModule(path: string, text: string): ParsedModule {
  const result = parseSync(path, text, OPTIONS);
  return { program: result.program, text, errorAt: errorAt(result.errors) };
}

/**
 * `parseModule` for readers of statements, names and string literals (the scan's facts), about
 * a third cheaper: it takes only the tree and the errors from oxc's native result, where
 * `parseSync` also converts the module record and every comment into JavaScript objects, and it
 * leaves the `value` of BigInt and RegExp literals `null` (their text is in `raw`) instead of
 * making the BigInt or RegExp.
 */
export function parseStatements(path: string, text: string): ParsedModule {
  const result = parseNative(path, text, OPTIONS);
  const { node } = JSON.parse(result.program) as { readonly node: Program };
  return { program: node, text, errorAt: errorAt(result.errors) };
}

function errorAt(errors: readonly OxcError[]): number | undefined {
  const first = errors[0];
  return first === undefined ? undefined : (first.labels[0]?.start ?? 0);
}

/**
 * Positions of offsets in one text, cheapest when asked in increasing order: counts line breaks
 * from the previous answer instead of indexing every line of the file.
 */
export function createOffsetPositions(text: string): (offset: number) => Position {
  let at = 0;
  let line = 0;
  let lineStart = 0;
  return (offset) => {
    if (offset < at) {
      at = 0;
      line = 0;
      lineStart = 0;
    }
    for (let next = text.indexOf("\n", at); next !== -1 && next < offset; next = text.indexOf("\n", next + 1)) {
      line++;
      lineStart = next + 1;
    }
    at = offset;
    return { line: line + 1, column: offset - lineStart + 1 };
  };
}

/** Strips `( … )`, `… as T`, `… satisfies T` and `…!`, which do not change a value. */
export function unwrapExpression(node: Expression): Expression {
  let current = node;
  for (;;) {
    if (
      current.type === "ParenthesizedExpression" ||
      current.type === "TSAsExpression" ||
      current.type === "TSSatisfiesExpression" ||
      current.type === "TSNonNullExpression"
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The text of a string literal or a template without substitutions, else `undefined`. */
export function literalString(node: Node): string | undefined {
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0)
    return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The name of a key written as an identifier, a string or a number (or `["computed string"]`), else `undefined`. */
export function keyName(node: Node, computed = false): string | undefined {
  if (computed)
    return node.type === "PrivateIdentifier" ? undefined : literalString(unwrapExpression(node as Expression));
  if (node.type === "Identifier" || node.type === "PrivateIdentifier") return node.name;
  if (node.type === "Literal" && (typeof node.value === "string" || typeof node.value === "number"))
    return numericOrString(node.value, node.raw);
  return undefined;
}

/** TypeScript names a numeric key by its value's text (`1e3` → "1000"). */
function numericOrString(value: string | number, raw: string | null): string {
  if (typeof value === "string") return value;
  return raw !== null && /^\d+$/.test(raw) ? raw : String(value);
}
