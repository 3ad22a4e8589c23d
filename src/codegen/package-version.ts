/** spoc's own version, from its package.json (two levels up, from src/codegen/ or dist/codegen/). */
import { readFileSync } from "node:fs";

/** The `version` of spoc's package.json, or `undefined` when it cannot be read. */
export function packageVersion(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof manifest.version === "string" ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}
