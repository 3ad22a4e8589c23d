/**
 * The public types of the build tools' plugins. They name no tool's own types, so a project
 * that installs one tool type-checks without the others (and without `skipLibCheck`).
 */

export interface SpocBuildPluginOptions {
  /**
   * Project root (the folder holding `config/` and `apps/`).
   * @default Vite's `root`; webpack's and rspack's `context`; esbuild's `absWorkingDir`; else the current directory
   */
  readonly root?: string;
  /**
   * Lower standard decorators (`@model export class …`) in the project's TypeScript files
   * with esbuild before the tool's own transform. Vite 8 transforms TypeScript with oxc, which
   * leaves decorators in place (a syntax error where the code runs), so `"auto"` does it under
   * Vite 8 (Rolldown) only; `true` does it under every tool but esbuild, which lowers them
   * itself (webpack and rspack usually lower them in their TypeScript loader: see the README).
   * @default "auto"
   */
  readonly decorators?: boolean | "auto";
}

/** A Vite or Rollup plugin: put it in `plugins`. */
export type SpocRollupPlugin = { readonly name: string };

/** A webpack or rspack plugin: put it in `plugins`. */
export type SpocWebpackPlugin = { apply(compiler: object): void };
