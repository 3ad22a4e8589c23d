/**
 * A few lines of source around a position, with a line-number gutter and a caret under
 * the column, in the manner of TypeScript's `--pretty` output.
 */

export interface CodeFrameOptions {
  /** Lines shown before and after the marked line. @default 2 */
  readonly context?: number;
  /** Wrap the gutter and caret in ANSI colours. @default false */
  readonly color?: boolean;
}

const dim = (text: string): string => `\u001b[2m${text}\u001b[22m`;
const red = (text: string): string => `\u001b[31m${text}\u001b[39m`;

/** At most this many characters of a line are shown, around the column (minified or binary files). */
const FRAME_WIDTH = 200;

/**
 * Renders the frame for a 1-based `line` and `column` of `source`, or `undefined` when
 * the line is outside the source. A column past the end of the line marks the line's end.
 * Long lines show a window of {@link FRAME_WIDTH} characters around the column, cut ends
 * marked `…`; control characters (and bidirectional overrides) are shown escaped, `\x1b`, so
 * a source line can never drive the terminal.
 */
export function codeFrame(
  source: string,
  line: number,
  column: number,
  options: CodeFrameOptions = {},
): string | undefined {
  const lines = linesAround(source, line, options.context ?? 2);
  if (lines === undefined) return undefined;
  const paint = options.color ? { dim, red } : { dim: (t: string) => t, red: (t: string) => t };
  const marked = lines.get(line) ?? "";
  const at = Math.max(0, Math.min(column, marked.length + 1) - 1);
  const start =
    marked.length <= FRAME_WIDTH ? 0 : Math.max(0, Math.min(at - FRAME_WIDTH / 2, marked.length - FRAME_WIDTH));
  const last = Math.max(...lines.keys());
  const width = String(last).length;
  const out: string[] = [];
  for (const [number, text] of lines) {
    const isMarked = number === line;
    const gutter = `${isMarked ? ">" : " "} ${String(number).padStart(width)} |`;
    const shown = windowed(text, start);
    out.push(`${isMarked ? gutter : paint.dim(gutter)}${shown === "" ? "" : ` ${shown}`}`);
    if (isMarked) {
      // Keep tabs so the caret lines up under tab-indented code.
      const before = windowed(text.slice(0, at), start, false);
      const pad = [...before].map((char) => (char === "\t" ? "\t" : " ")).join("");
      out.push(`${paint.dim(`  ${" ".repeat(width)} |`)} ${pad}${paint.red("^")}`);
    }
  }
  return out.join("\n");
}

/** Lines `line - context` to `line + context` by number, without splitting the whole source; `undefined` when `line` is not in it. */
function linesAround(source: string, line: number, context: number): Map<number, string> | undefined {
  if (!Number.isInteger(line) || line < 1) return undefined;
  const lines = new Map<number, string>();
  let offset = 0;
  for (let number = 1; number <= line + context; number++) {
    const end = source.indexOf("\n", offset);
    if (number >= line - context) {
      const text = source.slice(offset, end < 0 ? source.length : end);
      lines.set(number, text.endsWith("\r") ? text.slice(0, -1) : text);
    }
    if (end < 0) break;
    offset = end + 1;
  }
  return lines.has(line) ? lines : undefined;
}

/** `text` from `start`, at most {@link FRAME_WIDTH} characters, escaped; `…` marks what was cut. */
function windowed(text: string, start: number, markEnd = true): string {
  const end = start + FRAME_WIDTH;
  const cut = escapeControls(text.slice(start, end));
  return `${start > 0 && text.length > 0 ? "…" : ""}${cut}${markEnd && text.length > end ? "…" : ""}`;
}

/** Control characters (but tab) and bidirectional controls as visible escapes. */
function escapeControls(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => {
      const code = char.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
}
