/**
 * What identifies the running spoc, for its caches on disk: the package version and a hash of
 * its code (the `.ts` sources under src/, or the compiled `.js` under dist/) and the parsers'
 * versions, so a cache written by other code (another version, a rebuilt dist, an edited source,
 * an upgraded parser) is never read.
 */
import { createHash } from "node:crypto";
import { type Dirent, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { compareText } from "./_compare.ts";
import { packageVersion } from "./package-manifest.ts";
import { parserVersions } from "./parser-versions.ts";

/**
 * `"<version> <hash of the code> <parsers' versions>"`. It reads every code file of spoc (about
 * 8 ms), so a caller that needs it twice in one run takes it once and passes it on.
 */
export function codeVersion(): string {
  return `${packageVersion() ?? "unknown"} ${hashCode()} ${parserVersions()}`;
}

function hashCode(): string {
  const hash = createHash("sha1");
  const { root, files } = spocCode();
  for (const file of files) hash.update(`${file.slice(root.length)}\0`).update(readFileSync(file));
  return hash.digest("hex").slice(0, 20);
}

/**
 * Where spoc's code is and its files: src/ or dist/ (this file is in its codegen/ folder) and
 * every code file under it; or, bundled into someone's single file, that file. Run from spoc's
 * repository the CLI is bundled with `import.meta.url` set to src/codegen/cli.ts, which leads
 * to src/ as well.
 */
export function spocCode(): { readonly root: string; readonly files: readonly string[] } {
  const root = codePlace();
  if (!root.endsWith(sep)) return { root: dirname(root), files: [root] };
  return { root, files: codeFiles(root) };
}

/** spoc's code folder (src/ or dist/, ending in a separator), or the one file it is bundled into. */
export function codePlace(): string {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const marker = join(root, "codegen", "cache");
  return existsSync(`${marker}.ts`) || existsSync(`${marker}.js`) ? root : fileURLToPath(import.meta.url);
}

/** The code files under `dir`, sorted; `[]` when it cannot be listed. */
function codeFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...codeFiles(path));
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files;
}
