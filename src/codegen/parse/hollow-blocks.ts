/**
 * The generator reads top-level statements only (imports, exports, decorated classes, calls
 * that initialize constants), never what is inside a method or a function passed to a
 * registrar, yet parsing those bodies is most of a cold `spoc gen`. `hollowInnerBlocks`
 * empties every `{ … }` that opens inside brackets or braces (method bodies,
 * `view(async function () { … })`, object literals in arguments) before TypeScript parses
 * the file.
 *
 * Line and column numbers are kept, not offsets: an emptied block keeps its line breaks, and
 * the text between its last line feed and its `}` becomes as many spaces, so everything
 * after it sits on the same line and column as before. A block without a line break becomes
 * spaces. Brace-level code at the top (class bodies, import and export lists, a function's
 * own statements) is kept.
 *
 * A plain character scan finds the blocks: strings, template literals, comments and regular
 * expressions are skipped; whether `/` starts a regular expression is decided by the previous
 * token, as editors do. Anything unexpected (an unterminated string, an unbalanced bracket)
 * returns `undefined` and the caller parses the original text; so it must when the hollowed
 * text does not parse.
 */

/** Character codes the scan compares against (a plain object: no enum, so the file stays erasable). */
const Char = {
  Tab: 9,
  LineFeed: 10,
  CarriageReturn: 13,
  Space: 32,
  Exclamation: 33,
  DoubleQuote: 34,
  Hash: 35,
  Dollar: 36,
  SingleQuote: 39,
  OpenParen: 40,
  CloseParen: 41,
  Asterisk: 42,
  Plus: 43,
  Minus: 45,
  Dot: 46,
  Slash: 47,
  Digit0: 48,
  Digit9: 57,
  Equals: 61,
  UpperA: 65,
  UpperZ: 90,
  OpenBracket: 91,
  Backslash: 92,
  CloseBracket: 93,
  Underscore: 95,
  Backtick: 96,
  LowerA: 97,
  LowerZ: 122,
  OpenBrace: 123,
  CloseBrace: 125,
  LineSeparator: 0x2028,
  ParagraphSeparator: 0x2029,
} as const;

/** What is open: a bracket, or a template literal's `${`. */
const TEMPLATE = -1;

/** Words after which `/` starts a regular expression (they start or continue an expression). */
const BEFORE_EXPRESSION = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
  "extends",
]);

/**
 * `text` with the inside of every brace pair that opens at a nesting depth of one or more
 * emptied (line and column numbers kept), `text` itself when there is none, or `undefined`
 * when the text cannot be read safely.
 */
export function hollowInnerBlocks(text: string): string | undefined {
  const length = text.length;
  const open: number[] = [];
  /** Regions to empty, as [start, end) pairs: after a `{`, up to its `}`. */
  const regions: number[] = [];
  let regionStart = -1;
  let regionDepth = -1;
  /** Whether the previous token ends an expression (so `/` divides). */
  let afterOperand = false;
  /** Whether the previous token is `.` or `?.` (a keyword after it is a name). */
  let afterDot = false;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    if (c === Char.Slash) {
      const next = text.charCodeAt(i + 1);
      if (next === Char.Slash) {
        i = lineEnd(text, i + 2);
        continue;
      }
      if (next === Char.Asterisk) {
        const end = text.indexOf("*/", i + 2);
        if (end < 0) return undefined;
        i = end + 2;
        continue;
      }
      if (afterOperand) {
        i++;
        afterOperand = false;
      } else {
        i = regularExpressionEnd(text, i + 1);
        if (i < 0) return undefined;
        afterOperand = true;
      }
      afterDot = false;
      continue;
    }
    if (c === Char.DoubleQuote || c === Char.SingleQuote) {
      i = stringEnd(text, i + 1, c);
      if (i < 0) return undefined;
      afterOperand = true;
      afterDot = false;
      continue;
    }
    if (c === Char.Backtick || (c === Char.CloseBrace && open.at(-1) === TEMPLATE)) {
      if (c === Char.CloseBrace) open.pop();
      const end = templateEnd(text, i + 1);
      if (end < 0) return undefined;
      if (text.charCodeAt(end - 1) === Char.OpenBrace) {
        open.push(TEMPLATE); // `${`: code until its `}`
        afterOperand = false;
      } else {
        afterOperand = true;
      }
      afterDot = false;
      i = end;
      continue;
    }
    if (c === Char.OpenBrace || c === Char.OpenParen || c === Char.OpenBracket) {
      if (c === Char.OpenBrace && regionStart < 0 && open.length > 0) {
        regionStart = i + 1;
        regionDepth = open.length;
      }
      open.push(c);
      i++;
      afterOperand = false;
      afterDot = false;
      continue;
    }
    if (c === Char.CloseBrace || c === Char.CloseParen || c === Char.CloseBracket) {
      const opened = open.pop();
      if (
        opened !== (c === Char.CloseBrace ? Char.OpenBrace : c === Char.CloseParen ? Char.OpenParen : Char.OpenBracket)
      )
        return undefined;
      if (regionStart >= 0 && open.length === regionDepth) {
        regions.push(regionStart, i);
        regionStart = -1;
      }
      i++;
      afterOperand = true;
      afterDot = false;
      continue;
    }
    if (isIdentifierPart(c) || c === Char.Hash) {
      const start = i;
      i++;
      while (i < length && isIdentifierPart(text.charCodeAt(i))) i++;
      // Numbers too (`1_000`, `0x1f`, `1e3`); a `.` in `1.5` is read as a `.` and a number.
      afterOperand = afterDot || (c >= Char.Digit0 && c <= Char.Digit9) || !BEFORE_EXPRESSION.has(text.slice(start, i));
      afterDot = false;
      continue;
    }
    if (c === Char.Dot) {
      afterDot = true;
      afterOperand = false;
      i++;
      continue;
    }
    if ((c === Char.Plus || c === Char.Minus) && text.charCodeAt(i + 1) === c) {
      // `x++ / 2`: a postfix operator ends an operand.
      i += 2;
      afterOperand = true;
      afterDot = false;
      continue;
    }
    if (
      c === Char.Exclamation &&
      afterOperand &&
      text.charCodeAt(i + 1) !== Char.Equals &&
      !isWhitespace(text.charCodeAt(i - 1))
    ) {
      // `x! / 2`: a non-null assertion ends an operand too; after a line break, `!` is a not.
      i++;
      afterDot = false;
      continue;
    }
    afterOperand = false;
    afterDot = c === 0x3f && text.charCodeAt(i + 1) === Char.Dot; // `?.`
    i += afterDot ? 2 : 1;
  }
  if (open.length > 0) return undefined;
  if (regions.length === 0) return text;
  let hollowed = "";
  let kept = 0;
  for (let r = 0; r < regions.length; r += 2) {
    const start = regions[r] as number;
    const end = regions[r + 1] as number;
    hollowed += text.slice(kept, start) + emptied(text, start, end);
    kept = end;
  }
  return hollowed + text.slice(kept);
}

/**
 * `text[start, end)` emptied. Positions are counted two ways, both kept: TypeScript's (lines
 * end at LF, CR, CRLF, U+2028, U+2029) and `createPositions`'s (lines end at LF). So every
 * line break stays, without a bare CR joining the LF after it into one CRLF, and the text
 * after the last LF keeps its length, its non-LF line breaks in place.
 */
function emptied(text: string, start: number, end: number): string {
  const inside = text.slice(start, end);
  const lastLineFeed = inside.lastIndexOf("\n");
  const tail = inside.slice(lastLineFeed + 1).replace(NOT_A_LINE_BREAK, " ");
  if (lastLineFeed < 0) return tail;
  return inside.slice(0, lastLineFeed + 1).replace(NOT_LINE_BREAKS, keepBareCarriageReturn) + tail;
}

const NOT_A_LINE_BREAK = /[^\n\r\u2028\u2029]/g;
const NOT_LINE_BREAKS = /[^\n\r\u2028\u2029]+/g;

/** Nothing for a run between line breaks, but a space between a CR and an LF it must not join. */
function keepBareCarriageReturn(run: string, offset: number, text: string): string {
  return text.charCodeAt(offset - 1) === Char.CarriageReturn && text.charCodeAt(offset + run.length) === Char.LineFeed
    ? " "
    : "";
}

function isWhitespace(c: number): boolean {
  return c === Char.Space || c === Char.Tab || c === Char.LineFeed || c === Char.CarriageReturn;
}

function isIdentifierPart(c: number): boolean {
  return (
    (c >= Char.LowerA && c <= Char.LowerZ) ||
    (c >= Char.UpperA && c <= Char.UpperZ) ||
    (c >= Char.Digit0 && c <= Char.Digit9) ||
    c === Char.Dollar ||
    c === Char.Underscore ||
    c === Char.Backslash || // `\u0041` in a name
    (c > 127 && c !== Char.LineSeparator && c !== Char.ParagraphSeparator && c !== 0xa0 && c !== 0xfeff)
  );
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Char.LineFeed || c === Char.CarriageReturn || c === Char.LineSeparator || c === Char.ParagraphSeparator)
      return i;
  }
  return text.length;
}

/** After the closing quote of a string opened before `from`, or -1 when it does not close on its line. */
function stringEnd(text: string, from: number, quote: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === Char.Backslash)
      i++; // an escape, or a line continuation
    else if (c === Char.LineFeed || c === Char.CarriageReturn) return -1;
  }
  return -1;
}

/** After the closing backtick or the `${` of a template part starting at `from`, or -1. */
function templateEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Char.Backtick) return i + 1;
    if (c === Char.Backslash) i++;
    else if (c === Char.Dollar && text.charCodeAt(i + 1) === Char.OpenBrace) return i + 2;
  }
  return -1;
}

/** After the flags of a regular expression whose body starts at `from`, or -1. */
function regularExpressionEnd(text: string, from: number): number {
  let inClass = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Char.Backslash) i++;
    else if (c === Char.LineFeed || c === Char.CarriageReturn) return -1;
    else if (c === Char.OpenBracket) inClass = true;
    else if (c === Char.CloseBracket) inClass = false;
    else if (c === Char.Slash && !inClass) {
      let end = i + 1;
      while (end < text.length && isIdentifierPart(text.charCodeAt(end))) end++;
      return end;
    }
  }
  return -1;
}
