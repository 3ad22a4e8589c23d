import type { SourceLocation } from "../errors.ts";

/**
 * Finds the line and column of `key` inside the TOML table `table` (e.g. `"spoc.apps"`) by a
 * line scan: good enough to point a person at the offending key, not a TOML parser.
 * Falls back to the table's header, then to the file alone.
 */
export function locateTomlKey(text: string, file: string, table: string, key?: string): SourceLocation {
  const lines = text.split(/\r?\n/);
  let current = "";
  let header: SourceLocation | undefined;
  for (const [index, line] of lines.entries()) {
    const heading = /^\s*\[\s*([^\][]+?)\s*\]/.exec(line);
    if (heading && !line.trimStart().startsWith("[[")) {
      current = normalizeKeyPath(heading[1] ?? "");
      if (current === table && header === undefined) header = { file, line: index + 1, column: line.indexOf("[") + 1 };
      continue;
    }
    if (key === undefined) continue;
    const found = keyColumn(line, current, table, key);
    if (found !== undefined) return { file, line: index + 1, column: found };
  }
  return header ?? { file };
}

/** `spoc . "apps"` → `spoc.apps`. */
function normalizeKeyPath(path: string): string {
  return path
    .split(".")
    .map((part) => part.trim().replace(/^["']|["']$/g, ""))
    .join(".");
}

/** Column (1-based) of `key` when `line` assigns it in `table`, directly or by a dotted key. */
function keyColumn(line: string, current: string, table: string, key: string): number | undefined {
  const assignment = /^(\s*)([^=#]+?)\s*=/.exec(line);
  if (!assignment) return undefined;
  const written = normalizeKeyPath(assignment[2] ?? "");
  const full = current === "" ? written : `${current}.${written}`;
  if (full !== `${table}.${key}`) return undefined;
  return (assignment[1] ?? "").length + 1;
}

/**
 * Where `key` of the table `table` (`""`: the top level) is written: its assignment, a dotted
 * key that starts with it, or a table header `[table.key]` / `[table.key.sub]`, whichever comes
 * first. Falls back to {@link locateTomlKey}.
 */
export function locateTomlEntry(text: string, file: string, table: string, key: string): SourceLocation {
  const path = table === "" ? key : `${table}.${key}`;
  const within = (written: string): boolean => written === path || written.startsWith(`${path}.`);
  let current = "";
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const heading = /^\s*\[\[?\s*([^\][]+?)\s*\]/.exec(line);
    if (heading) {
      current = normalizeKeyPath(heading[1] ?? "");
      if (within(current)) return { file, line: index + 1, column: line.indexOf("[") + 1 };
      continue;
    }
    const assignment = /^(\s*)([^=#]+?)\s*=/.exec(line);
    if (!assignment) continue;
    const written = normalizeKeyPath(assignment[2] ?? "");
    if (within(current === "" ? written : `${current}.${written}`)) {
      return { file, line: index + 1, column: (assignment[1] ?? "").length + 1 };
    }
  }
  return locateTomlKey(text, file, table, key);
}
