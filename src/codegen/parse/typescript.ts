/**
 * TypeScript's compiler API (the one ts-morph bundles), loaded on first use. Loading it takes
 * about half a second, so the scan parses with oxc (estree.ts) and asks TypeScript only for
 * what oxc cannot give: the exact message of a syntax error, and the facts TypeScript recovers
 * from a file that does not parse. Editing source (`spoc add`) uses ts-morph directly.
 */
import { createRequire } from "node:module";
import type { ts as TypeScript } from "ts-morph";

let loaded: typeof TypeScript | undefined;

/** TypeScript's `ts` namespace, required lazily (ts-morph is CommonJS). */
export function typescript(): typeof TypeScript {
  loaded ??= (createRequire(import.meta.url)("ts-morph") as { ts: typeof TypeScript }).ts;
  return loaded;
}
