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
import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Diagnostic } from "../model.ts";
import { packageVersion } from "../package-manifest.ts";
import { ProjectResults } from "./project-results.ts";

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

/** The nearest folder above `file` holding `config/schema.ts`: the spoc project it belongs to. */
function projectRootOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "config", "schema.ts"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What to report in `file` (relative): its own diagnostics, and the edges of cycles that pass through it. */
function diagnosticsIn(
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

/** The rule, reading the projects' results from `results` (the plugin's own). */
function checkRule(results: ProjectResults): SpocRule {
  return {
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
          for (const { line, column, message } of diagnosticsIn(
            results.resultFor(root, context.filename).diagnostics,
            file,
          )) {
            context.report({ loc: { line, column: column - 1 }, message });
          }
        },
      };
    },
  };
}

const parser: EmptyProgramParser = {
  meta: { name: "spoc/empty-program", version: packageVersion() ?? "unknown" },
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
  meta: { name: "spoc", version: packageVersion() ?? "unknown" },
  rules: { check: checkRule(new ProjectResults()) },
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
