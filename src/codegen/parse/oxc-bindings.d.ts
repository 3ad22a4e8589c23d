/**
 * oxc-parser's native binding (`oxc-parser/src-js/bindings`, listed in its package's exports),
 * which ships no declarations: the part estree.ts uses. Its `program` is the tree as JSON text,
 * `{ "node": Program, "fixes": [...] }`, which oxc-parser's own `parseSync` parses lazily.
 */
declare module "oxc-parser/src-js/bindings" {
  import type { OxcError, ParserOptions } from "oxc-parser";

  export interface NativeParseResult {
    /** The JSON text of `{ node: Program, fixes }`; reading it hands it over (once). */
    readonly program: string;
    readonly errors: OxcError[];
  }

  export function parseSync(filename: string, sourceText: string, options?: ParserOptions | null): NativeParseResult;
}
