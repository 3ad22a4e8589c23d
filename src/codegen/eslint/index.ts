/**
 * `spoc/eslint`: an ESLint (flat config) plugin that reports spoc's diagnostics in the file
 * being linted, at the import or declaration that causes them: layers, cycles, mode leaks, app
 * rules, kind mismatches, duplicate keys. It runs the same pipeline as `spoc check`, with the
 * same disk cache, so the editor and CI agree.
 *
 * ```js
 * // eslint.config.js
 * import spoc from "spoc/eslint";
 * export default [
 *   // …your configuration, parsing TypeScript (typescript-eslint)…
 *   spoc.configs.recommended,
 * ];
 * ```
 * A project whose ESLint does not parse TypeScript yet can use `spoc.configs.standalone`
 * instead: it adds a parser that gives ESLint an empty program (the rule needs no syntax tree),
 * so use it only where no other rule runs on those files.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Diagnostic, PipelineResult } from "../model.ts";
import { createScanCache, runPipelineSync, type ScanCache } from "../pipeline.ts";

/** What the rule needs of ESLint's rule context (ESLint 9 and 10). */
interface RuleContext {
  readonly filename: string;
  report(descriptor: {
    readonly loc: { readonly line: number; readonly column: number };
    readonly message: string;
  }): void;
}

/** An ESLint rule module, as far as this plugin defines one. */
export interface SpocRule {
  readonly meta: {
    readonly type: "problem";
    readonly docs: { readonly description: string; readonly url?: string };
    readonly schema: readonly [];
  };
  create(context: RuleContext): { Program(): void };
}

/** The parser of `configs.standalone`: an empty program, enough for spoc's rule. */
export interface EmptyProgramParser {
  readonly meta: { readonly name: string; readonly version: string };
  parseForESLint(text: string): { ast: EmptyProgram; visitorKeys: Record<string, readonly string[]> };
}

interface EmptyProgram {
  readonly type: "Program";
  readonly sourceType: "module";
  readonly body: readonly [];
  readonly tokens: readonly [];
  readonly comments: readonly [];
  readonly range: readonly [number, number];
  readonly loc: {
    readonly start: { readonly line: number; readonly column: number };
    readonly end: { readonly line: number; readonly column: number };
  };
}

/** How long a full check (every file stat'ed) stands before the next file's lint runs another. */
const REFRESH_MS = 1000;
/**
 * File times lag the clock (kernels stamp them at a coarse tick; some file systems keep
 * seconds): a file counts as unchanged since a check only when it is older by this much.
 */
const MTIME_SLACK_MS = 2000;

interface ProjectState {
  readonly cache: ScanCache;
  result: PipelineResult;
  /** When the last full check started. */
  checkedAt: number;
  /** Files re-read since then, with the mtime they were read at. */
  readonly seen: Map<string, number>;
}

const projects = new Map<string, ProjectState>();

/**
 * The diagnostics of the project at `root`, fresh for `file`: a full check when none was made
 * in the last second; otherwise the last result while `file` is unchanged since (an editor lints
 * one file per keystroke; a lint of the whole project lints every file in a row), or a run that
 * re-reads `file` alone and trusts the rest.
 */
function resultFor(root: string, file: string): PipelineResult {
  const now = Date.now();
  const state = projects.get(root);
  if (state === undefined || now - state.checkedAt > REFRESH_MS) {
    const cache = state?.cache ?? createScanCache();
    const result = runPipelineSync({ root, cache, diskCache: true });
    projects.set(root, { cache, result, checkedAt: now, seen: new Map() });
    return result;
  }
  const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const seen = state.seen.get(file);
  if (seen === mtime || (seen === undefined && mtime >= 0 && mtime < state.checkedAt - MTIME_SLACK_MS))
    return state.result;
  state.result = runPipelineSync({ root, cache: state.cache, changed: [file] });
  state.seen.set(file, mtime);
  return state.result;
}

/** The nearest folder above `file` holding `config/schema.ts`: the spoc project it belongs to. */
function projectRootOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "config", "schema.ts"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What to report in `file` (relative): its own diagnostics, and the edges of cycles that pass through it. */
export function diagnosticsIn(
  diagnostics: readonly Diagnostic[],
  file: string,
): { line: number; column: number; message: string }[] {
  const reports = new Map<string, { line: number; column: number; message: string }>();
  for (const diagnostic of diagnostics) {
    const text = `${diagnostic.code} ${diagnostic.message}`;
    const hint = diagnostic.hint === undefined ? "" : ` — hint: ${diagnostic.hint}`;
    if (diagnostic.file === file) {
      reports.set(`${diagnostic.line}:${diagnostic.column}:${diagnostic.code}`, {
        line: diagnostic.line,
        column: diagnostic.column,
        message: `${text}${hint}`,
      });
    }
    if (diagnostic.cycle === undefined) continue;
    for (const edge of diagnostic.related ?? []) {
      if (edge.file !== file || edge.line === undefined) continue;
      const key = `${edge.line}:${edge.column ?? 1}:${diagnostic.code}`;
      if (!reports.has(key))
        reports.set(key, {
          line: edge.line,
          column: edge.column ?? 1,
          message: `${text}; here ${edge.message}${hint}`,
        });
    }
  }
  return [...reports.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}

const check: SpocRule = {
  meta: {
    type: "problem",
    docs: { description: "spoc's architecture checks (spoc check) in the file being linted" },
    schema: [],
  },
  create(context) {
    return {
      Program() {
        const root = projectRootOf(context.filename);
        if (root === undefined) return;
        const file = relative(root, context.filename).split(sep).join("/");
        if (file.startsWith("../")) return;
        for (const { line, column, message } of diagnosticsIn(resultFor(root, context.filename).diagnostics, file)) {
          context.report({ loc: { line, column: column - 1 }, message });
        }
      },
    };
  },
};

const parser: EmptyProgramParser = {
  meta: { name: "spoc/empty-program", version: version() },
  parseForESLint(text) {
    const lines = text.split(/\r\n|\r|\n/);
    return {
      ast: {
        type: "Program",
        sourceType: "module",
        body: [],
        tokens: [],
        comments: [],
        range: [0, text.length],
        loc: { start: { line: 1, column: 0 }, end: { line: lines.length, column: lines.at(-1)?.length ?? 0 } },
      },
      visitorKeys: { Program: [] },
    };
  },
};

interface SpocEslintPlugin {
  readonly meta: { readonly name: string; readonly version: string };
  readonly rules: { readonly check: SpocRule };
  readonly configs: {
    /** `spoc/check` as an error; your configuration parses TypeScript. */
    readonly recommended: {
      readonly plugins: { readonly spoc: SpocEslintPlugin };
      readonly rules: Record<string, "error">;
    };
    /** `recommended` with a parser of its own, for TypeScript files no other rule lints. */
    readonly standalone: {
      readonly files: string[];
      readonly plugins: { readonly spoc: SpocEslintPlugin };
      readonly languageOptions: { readonly parser: EmptyProgramParser };
      readonly rules: Record<string, "error">;
    };
  };
}

const plugin: SpocEslintPlugin = {
  meta: { name: "spoc", version: version() },
  rules: { check },
  configs: {
    get recommended() {
      return { plugins: { spoc: plugin }, rules: { "spoc/check": "error" as const } };
    },
    get standalone() {
      return {
        files: ["**/*.ts"],
        plugins: { spoc: plugin },
        languageOptions: { parser },
        rules: { "spoc/check": "error" as const },
      };
    },
  },
};

/** The ESLint plugin: `rules.check`, `configs.recommended`, `configs.standalone`. */
export default plugin;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
