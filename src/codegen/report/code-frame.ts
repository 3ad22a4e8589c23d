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

/**
 * Renders the frame for a 1-based `line` and `column` of `source`, or `undefined` when
 * the line is outside the source. A column past the end of the line marks the line's end.
 */
export function codeFrame(
  source: string,
  line: number,
  column: number,
  options: CodeFrameOptions = {},
): string | undefined {
  const lines = source.split(/\r?\n/);
  if (!Number.isInteger(line) || line < 1 || line > lines.length) return undefined;
  const context = options.context ?? 2;
  const paint = options.color ? { dim, red } : { dim: (t: string) => t, red: (t: string) => t };
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let number = first; number <= last; number++) {
    const text = lines[number - 1] ?? "";
    const marked = number === line;
    const gutter = `${marked ? ">" : " "} ${String(number).padStart(width)} |`;
    out.push(`${marked ? gutter : paint.dim(gutter)}${text === "" ? "" : ` ${text}`}`);
    if (marked) {
      // Keep tabs so the caret lines up under tab-indented code.
      const before = [...text].slice(0, Math.max(0, Math.min(column, text.length + 1) - 1));
      const pad = before.map((char) => (char === "\t" ? "\t" : " ")).join("");
      out.push(`${paint.dim(`  ${" ".repeat(width)} |`)} ${pad}${paint.red("^")}`);
    }
  }
  return out.join("\n");
}
