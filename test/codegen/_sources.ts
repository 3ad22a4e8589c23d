/** The TypeScript files the parser tests read: the repository's own, and a small synthetic project. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { synthesize } from "../../bench/synth.ts";

export const repo = fileURLToPath(new URL("../../", import.meta.url));

/** Every `.ts` file (not `.d.ts`) under `dir`, skipping node_modules and dot folders. */
export function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tsFiles(path, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** A synthetic project of `apps` apps in a temporary folder, and how to remove it. */
export function syntheticProject(apps: number): { readonly root: string; readonly remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), "spoc-sources-"));
  synthesize(apps, root);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
