/**
 * `spoc init --bundler <tool>`: the project it writes builds with that tool (its own config
 * file, as `npm run build` runs it) and the built app runs, view, thread and process workers
 * included. spoc stays external here, as the templates leave it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSpoc } from "../cli/_project.ts";
import { linkModules, makeTempDir, removeProjects, runNode, toolsInstalled, toolsRoot } from "./_project.ts";

afterAll(removeProjects);

/** How the test runs each template's `npm run build` (webpack's and rspack's CLIs are not installed here). */
const builds = {
  vite: { config: "vite.config.ts", script: "vite build", run: ["node_modules/vite/bin/vite.js", "build"] },
  rollup: { config: "rollup.config.mjs", script: "rollup -c", run: ["node_modules/rollup/dist/bin/rollup", "-c"] },
  webpack: { config: "webpack.config.mjs", script: "webpack", run: [join(toolsRoot, "_build.mjs"), "webpack"] },
  rspack: { config: "rspack.config.mjs", script: "rspack build", run: [join(toolsRoot, "_build.mjs"), "rspack"] },
} as const;

describe.skipIf(!toolsInstalled)("spoc init --bundler", () => {
  it.each(Object.keys(builds) as (keyof typeof builds)[])("%s: the new project builds and runs", async (tool) => {
    const dir = join(await makeTempDir(`init-${tool}`), "app");
    const init = await runSpoc(["init", dir, "--bundler", tool]);
    expect(init.code, init.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(manifest.scripts.build).toBe(builds[tool].script);
    expect(await readFile(join(dir, builds[tool].config), "utf8")).toContain(`from "spoc/${tool}"`);

    await linkModules(join(dir, "node_modules"));
    const built = await runNode(builds[tool].run, dir);
    expect(built.code, built.stderr + built.stdout).toBe(0);
    const app = await runNode(["dist/main.js"], dir);
    expect(app.stderr).toBe("");
    expect(app.stdout).toMatch(/greeted \d+ times[\s\S]*greeted \d+ times/);
    expect(app.code).toBe(0);
  });
});
