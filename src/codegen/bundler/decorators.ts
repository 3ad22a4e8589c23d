/**
 * Standard decorators (`@model export class …`) lowered by esbuild, for tools whose own
 * TypeScript transform leaves them in place (Vite 8's oxc): the output is plain JavaScript
 * with a source map, which the tool's transform then passes through. esbuild is an optional
 * peer of spoc, loaded only when a file needs it.
 */
import { ErrorCode, SpocError } from "../../errors.ts";

/** A decorator needs `@` followed by a name or `(`; a cheap test before parsing anything. */
const DECORATOR = /(^|[\s;{}(,])@[\p{L}_$(]/gmu;
/** A line that starts a comment (`// @ts-nocheck`, `/** @param`, ` * @returns`) holds no decorator. */
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*)/;

/**
 * Whether `code` may use a decorator (false positives only cost an esbuild transform, or name
 * esbuild when it is missing; so `@` on comment lines does not count).
 */
export function mayHaveDecorators(code: string): boolean {
  for (const match of code.matchAll(DECORATOR)) {
    const lineStart = code.lastIndexOf("\n", match.index) + 1;
    if (!COMMENT_LINE.test(code.slice(lineStart, match.index + match[0].length))) return true;
  }
  return false;
}

/** `code` of the TypeScript file `id` with its decorators lowered (and its types removed). */
export async function lowerDecorators(code: string, id: string): Promise<{ code: string; map: string }> {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch (error) {
    throw new SpocError(
      ErrorCode.DecoratorsNeedEsbuild,
      `${id} uses decorators, which this tool's TypeScript transform leaves in place, and esbuild (which spoc lowers them with) is not installed`,
      {
        hint: "install it with `npm install -D esbuild`, or pass spoc({ decorators: false }) and lower decorators in your own TypeScript transform",
        cause: error,
      },
    );
  }
  const result = await esbuild.transform(code, {
    loader: /\.[cm]?tsx$/.test(id) ? "tsx" : "ts",
    format: "esm",
    target: "es2022",
    sourcemap: "external",
    sourcefile: id,
  });
  return { code: result.code, map: result.map };
}
