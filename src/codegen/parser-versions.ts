import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The parsers whose output the disk caches keep: oxc-parser for the scan, TypeScript (inside ts-morph) for syntax errors. */
const PARSERS = ["oxc-parser", "ts-morph"] as const;

/**
 * `"oxc-parser@0.159.0 ts-morph@28.0.0"`: part of every cache key, so a parser upgraded within
 * its semver range (which can change what is read or the wording of a syntax error) never
 * serves what the old one wrote. A parser that cannot be found counts as `none`.
 */
export function parserVersions(): string {
  const require = createRequire(import.meta.url);
  return PARSERS.map((name) => `${name}@${installedVersion(require, name)}`).join(" ");
}

function installedVersion(require: NodeJS.Require, name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" ? manifest.version : "none";
  } catch {
    return "none";
  }
}

/** The package.json of each installed parser, as spoc's code resolves it. */
export function parserManifests(): string[] {
  const require = createRequire(import.meta.url);
  return PARSERS.flatMap((name) => {
    try {
      return [require.resolve(`${name}/package.json`)];
    } catch {
      return [];
    }
  });
}
