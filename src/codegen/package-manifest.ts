/** spoc's own package.json (two levels up, from src/codegen/ or dist/codegen/). */
import { readFileSync } from "node:fs";

interface Manifest {
  readonly version?: unknown;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

function manifest(): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** The `version` of spoc's package.json, or `undefined` when it cannot be read. */
export function packageVersion(): string | undefined {
  const version = manifest()?.version;
  return typeof version === "string" ? version : undefined;
}

/** spoc's optional peer dependencies: packages it imports only when a feature needs them. */
export function optionalPeers(): string[] {
  const meta = manifest()?.peerDependenciesMeta ?? {};
  return Object.keys(meta)
    .filter((name) => meta[name]?.optional === true)
    .sort();
}
