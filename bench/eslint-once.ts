/**
 * `spoc/eslint` in one ESLint session, as an editor runs it: the first lint of a file (cold:
 * the whole project is checked, through the disk cache when it is there), then one lint per
 * module file, each timed. Reports the first and the median of the others.
 *
 *   node --import tsx bench/eslint-once.ts bench/.projects/1000 [files]
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import spoc from "../src/codegen/eslint/index.ts";
import { median, report } from "./_harness.ts";

const root = process.argv[2] ?? ".";
const count = Number(process.argv[3] ?? 50);
const files = readdirSync(join(root, "apps"))
  .sort()
  .slice(0, count)
  .map((app) => join(root, "apps", app, "services.ts"));
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [spoc.configs.standalone] });
// The same files through ESLint with the parser and no rule: what ESLint itself costs per file.
const bare = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ ...spoc.configs.standalone, plugins: {}, rules: {} }],
});
const timed = async (file: string, linter = eslint): Promise<number> => {
  const started = performance.now();
  const [result] = await linter.lintFiles([file]);
  if (result === undefined || result.messages.length > 0) throw new Error(`unexpected lint result for ${file}`);
  return performance.now() - started;
};
const firstMs = await timed(files[0] as string);
await timed(files[0] as string, bare);
const each: number[] = [];
const eachBare: number[] = [];
for (const file of files.slice(1)) {
  each.push(await timed(file));
  eachBare.push(await timed(file, bare));
}
report({ firstMs, perFileMs: median(each), bareMs: median(eachBare), files: each.length });
