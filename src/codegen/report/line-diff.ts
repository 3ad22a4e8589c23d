/**
 * A unified diff of two texts by lines (longest common subsequence), for
 * `spoc gen --check` to show how the registry on disk differs from the generated one.
 */

export interface UnifiedDiffOptions {
  /** Label of the old text (`--- …`). @default "a" */
  readonly from?: string;
  /** Label of the new text (`+++ …`). @default "b" */
  readonly to?: string;
  /** Unchanged lines around each change. @default 3 */
  readonly context?: number;
}

type Op = { readonly type: " " | "-" | "+"; readonly text: string };

/** Above this many LCS cells, the differing middle is shown as one replacement. */
const maxCells = 4_000_000;

/** The diff, ending with a newline; the empty string when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return "";
  const context = options.context ?? 3;
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const out = [`--- ${options.from ?? "a"}`, `+++ ${options.to ?? "b"}`];
  // Group changes whose context windows touch into one hunk.
  const changed = ops.flatMap((op, index) => (op.type === " " ? [] : [index]));
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, (changed[i] as number) - context);
    let end = (changed[i] as number) + context;
    while (i + 1 < changed.length && (changed[i + 1] as number) - context <= end + 1)
      end = (changed[++i] as number) + context;
    end = Math.min(ops.length - 1, end);
    i++;
    let oldLine = 1;
    let newLine = 1;
    for (const op of ops.slice(0, start)) {
      if (op.type !== "+") oldLine++;
      if (op.type !== "-") newLine++;
    }
    const hunk = ops.slice(start, end + 1);
    const oldCount = hunk.filter((op) => op.type !== "+").length;
    const newCount = hunk.filter((op) => op.type !== "-").length;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const op of hunk) out.push(`${op.type}${op.text}`);
  }
  return `${out.join("\n")}\n`;
}

function range(line: number, count: number): string {
  // An empty range names the line before it, as diff(1) does.
  return count === 1 ? `${line}` : `${count === 0 ? line - 1 : line},${count}`;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  const same = (lines: readonly string[]): Op[] => lines.map((text) => ({ type: " ", text }));
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  return [...same(a.slice(0, prefix)), ...lcsDiff(middleA, middleB), ...same(a.slice(a.length - suffix))];
}

function lcsDiff(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > maxCells) {
    return [...a.map((text): Op => ({ type: "-", text })), ...b.map((text): Op => ({ type: "+", text }))];
  }
  // lengths[i][j] = LCS of a[i..] and b[j..], flattened.
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ type: " ", text: a[i++] as string });
      j++;
    } else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) {
      ops.push({ type: "-", text: a[i++] as string });
    } else {
      ops.push({ type: "+", text: b[j++] as string });
    }
  }
  while (i < n) ops.push({ type: "-", text: a[i++] as string });
  while (j < m) ops.push({ type: "+", text: b[j++] as string });
  return ops;
}
