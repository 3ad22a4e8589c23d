/**
 * build.ts against a temp copy of this repo's example, with a small main.ts of our own:
 * spocPlugin() adds the entries out/registry.js and out/spoc-worker.js, every entry shares
 * one registry (a chunk that is not main.js), and the bundle starts (TypeScript standard
 * decorators lowered by esbuild for node20 still register).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../cli/_project.ts";

const run = promisify(execFile);
const hasExample = ["apps", "config", "framework"].every((dir) => existsSync(join(repoRoot, dir)));
let copy: string | undefined;
afterAll(async () => {
  if (copy !== undefined) await rm(copy, { recursive: true, force: true });
});

const main = `import { Framework } from "spoc";
import { schema } from "./config/schema.ts";
import { registry } from "./generated/registry.ts";

const framework = await Framework.start({ baseDir: process.cwd(), schema, registry });
const registered = Object.values(framework.components as Record<string, object>).reduce((n, byKey) => n + Object.keys(byKey).length, 0);
console.log(JSON.stringify({ url: registry.url, apps: framework.installedApps, components: registry.components.length, registered }));
await framework.shutdown();
`;

describe.skipIf(!hasExample)("build.ts", () => {
  it("bundles main, registry and spoc-worker into out/ sharing one registry", async () => {
    copy = await mkdtemp(join(tmpdir(), "spoc-build-"));
    for (const entry of ["apps", "config", "framework", "src", "package.json", "tsconfig.json", "build.ts"]) {
      await cp(join(repoRoot, entry), join(copy, entry), { recursive: true });
    }
    await symlink(join(repoRoot, "node_modules"), join(copy, "node_modules"), "dir");
    await writeFile(join(copy, "main.ts"), main);

    await run(process.execPath, ["--import", "tsx", "build.ts"], { cwd: copy });
    for (const file of ["main.js", "registry.js", "spoc-worker.js", "main.js.map"]) {
      expect(existsSync(join(copy, "out", file)), file).toBe(true);
    }
    expect(existsSync(join(copy, "generated/registry.ts"))).toBe(true);
    const mainJs = await readFile(join(copy, "out/main.js"), "utf8");
    expect(mainJs).not.toMatch(/from "spoc"/);
    const registryJs = await readFile(join(copy, "out/registry.js"), "utf8");

    const { stdout } = await run(process.execPath, ["out/main.js"], {
      cwd: copy,
      env: { ...process.env, SPOC_MODE: "development" },
    });
    const report = JSON.parse(stdout.split("\n").find((line) => line.startsWith("{")) ?? "{}");
    // The registry's code sits in a chunk that main.js and registry.js both import.
    const chunk = /^file:\/\/.*\/out\/(chunk-\w+\.js)$/.exec(report.url)?.[1];
    expect(chunk, report.url).toBeDefined();
    expect(mainJs).toContain(`from "./${chunk}"`);
    expect(registryJs).toContain(`from "./${chunk}"`);
    expect(report.apps.length).toBeGreaterThan(0);
    expect(report.components).toBeGreaterThan(0);
    expect(report.registered).toBe(report.components);
  });
});
