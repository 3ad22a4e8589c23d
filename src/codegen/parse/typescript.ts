/**
 * TypeScript's compiler API (the one ts-morph bundles), loaded on first use. Loading it takes
 * about half a second, so the scan parses with oxc (estree.ts) and asks TypeScript only for
 * what oxc cannot give: the exact message of a syntax error, and the facts TypeScript recovers
 * from a file that does not parse. Editing source (`spoc add`) uses ts-morph directly.
 */
import { createRequire } from "node:module";
import type { ts as TypeScript } from "ts-morph";

const require = createRequire(import.meta.url);

/**
 * TypeScript's `ts` namespace, required on first use (ts-morph is CommonJS); Node's module
 * cache answers every later call.
 */
export function typescript(): typeof TypeScript {
  return (require("ts-morph") as { ts: typeof TypeScript }).ts;
}
