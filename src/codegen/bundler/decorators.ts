/**
 * Standard decorators (`@model export class …`) lowered by esbuild, for tools whose own
 * TypeScript transform leaves them in place (Vite 8's oxc): the output is plain JavaScript
 * with a source map, which the tool's transform then passes through. esbuild is an optional
 * peer of spoc, loaded only when a file needs it.
 */
import { ErrorCode, SpocError } from "../../errors.ts";

/** A decorator needs `@` followed by a name or `(`; a cheap test before parsing anything. */
const DECORATOR = /(^|[\s;{}(,])@[\p{L}_$(]/mu;

/** Whether `code` may use a decorator (false positives are harmless: esbuild just transforms). */
export function mayHaveDecorators(code: string): boolean {
  return DECORATOR.test(code);
}

type Transform = typeof import("esbuild").transform;
let esbuildTransform: Promise<Transform> | undefined;

/** `code` of the TypeScript file `id` with its decorators lowered (and its types removed). */
export async function lowerDecorators(code: string, id: string): Promise<{ code: string; map: string }> {
  esbuildTransform ??= import("esbuild").then(
    (esbuild) => esbuild.transform,
    (error: unknown) => {
      esbuildTransform = undefined;
      throw new SpocError(
        ErrorCode.DecoratorsNeedEsbuild,
        `${id} uses decorators, which this tool's TypeScript transform leaves in place, and esbuild (which spoc lowers them with) is not installed`,
        {
          hint: "install it with `npm install -D esbuild`, or pass spoc({ decorators: false }) and lower decorators in your own TypeScript transform",
          cause: error,
        },
      );
    },
  );
  const result = await (await esbuildTransform)(code, {
    loader: /\.[cm]?tsx$/.test(id) ? "tsx" : "ts",
    format: "esm",
    target: "es2022",
    sourcemap: "external",
    sourcefile: id,
  });
  return { code: result.code, map: result.map };
}
