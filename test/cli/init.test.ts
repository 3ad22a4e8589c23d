/**
 * `spoc init` and `spoc add app` as a user runs them: the files written, the refusal to
 * overwrite (naming the files), and settings.ts edited in place with its comments kept.
 * The installed package's full round trip (install, tsc, build, run) is test/package/.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withInstalledApp } from "../../src/codegen/init/add-app.ts";
import { runSpoc } from "./_project.ts";

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spoc-init-"));
  made.push(dir);
  return dir;
}

const PROJECT_FILES = [
  "package.json",
  "tsconfig.json",
  ".gitignore",
  "framework/components.ts",
  "config/spoc.toml",
  "config/settings.ts",
  "config/schema.ts",
  "config/.env.example",
  "main.ts",
  "test/hello.test.ts",
  "build.ts",
  "apps/hello/models.ts",
  "apps/hello/services.ts",
  "apps/hello/views.ts",
  "apps/hello/workers.ts",
  "generated/registry.ts",
  "generated/registry.data.js",
  "generated/registry.data.d.ts",
];

describe("spoc init", () => {
  it("writes a project whose registry is generated and whose checks pass", async () => {
    const dir = join(await freshDir(), "my-app");
    const init = await runSpoc(["init", dir]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      `spoc init: created a spoc project in ${dir}\n${PROJECT_FILES.map((f) => `  ${f}\n`).join("")}`,
    );
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(manifest.name).toBe("my-app");
    expect(Object.keys(manifest.scripts)).toEqual(["gen", "check", "typecheck", "build", "start", "dev", "test"]);
    expect(Object.keys(manifest.dependencies)).toEqual(["spoc"]);
    expect(await readFile(join(dir, "build.ts"), "utf8")).toContain('import spoc from "spoc/esbuild";');

    const check = await runSpoc(["check"], { cwd: dir });
    expect(check).toMatchObject({ code: 0, stdout: "0 errors, 0 warnings\n" });
    const graph = await runSpoc(["graph", "--format", "json"], { cwd: dir });
    expect(JSON.parse(graph.stdout).loadOrder).toEqual([
      "hello.models",
      "hello.services",
      "hello.views",
      "hello.workers",
    ]);
  });

  it("refuses to overwrite, naming the files in the way, and writes nothing", async () => {
    const dir = await freshDir();
    await writeFile(join(dir, "main.ts"), "// mine\n");
    await writeFile(join(dir, "package.json"), "{}\n");
    const init = await runSpoc(["init"], { cwd: dir });
    expect(init.code).toBe(1);
    expect(init.stderr).toBe(
      `spoc: ${dir} already has files spoc would write:\n  main.ts\n  package.json\nchoose an empty folder: \`npx spoc init <dir>\`\n`,
    );
    expect(await readFile(join(dir, "main.ts"), "utf8")).toBe("// mine\n");
    await expect(readFile(join(dir, "tsconfig.json"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("names the bundlers it knows", async () => {
    const init = await runSpoc(["init", "--bundler", "parcel"], { cwd: await freshDir() });
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/^spoc: init: unknown --bundler "parcel"; use one of esbuild/);
  });
});

describe("spoc add app", () => {
  it("creates the schema's module files, adds the app to installedApps, and regenerates", async () => {
    const dir = await freshDir();
    expect((await runSpoc(["init"], { cwd: dir })).code).toBe(0);
    const add = await runSpoc(["add", "app", "billing"], { cwd: join(dir, "apps") });
    expect(add.stderr).toBe("");
    expect(add.stdout).toBe(
      'spoc add app: created billing\n  apps/billing/models.ts\n  apps/billing/services.ts\n  apps/billing/views.ts\n  apps/billing/workers.ts\n  config/settings.ts: "billing" in installedApps\n',
    );
    expect(add.code).toBe(0);
    const settings = await readFile(join(dir, "config/settings.ts"), "utf8");
    expect(settings).toContain(
      '  // Apps installed in every mode, in load order. `npx spoc add app <name>` adds one here.\n  installedApps: ["hello", "billing"],\n',
    );
    expect(await readFile(join(dir, "generated/registry.data.js"), "utf8")).toContain('"billing.models"');

    const again = await runSpoc(["add", "app", "billing"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already has files spoc would write:\n  apps/billing/models.ts\n");
  });

  it("rejects a name that is not an app name", async () => {
    const dir = await freshDir();
    expect((await runSpoc(["init"], { cwd: dir })).code).toBe(0);
    const add = await runSpoc(["add", "app", "Billing!"], { cwd: dir });
    expect(add.code).toBe(1);
    expect(add.stderr).toMatch(/SPOC008.*"Billing!" is not a valid app name/);
  });
});

describe("withInstalledApp", () => {
  it("appends to a multi-line list keeping comments, quotes and layout", () => {
    const text = `import { defineSettings } from "spoc";

// the settings
export default defineSettings({
  installedApps: [
    'users', // first
    'blog',
  ],
  other: 1, /* kept */
});
`;
    expect(withInstalledApp(text, "shop")).toBe(`import { defineSettings } from "spoc";

// the settings
export default defineSettings({
  installedApps: [
    'users', // first
    'blog',
    'shop',
  ],
  other: 1, /* kept */
});
`);
  });

  it("leaves the text alone when the app is installed, and adds the key when missing", () => {
    const text = 'export default defineSettings({ installedApps: ["a"] });\n';
    expect(withInstalledApp(text, "a")).toBe(text);
    expect(withInstalledApp("export default defineSettings({ port: 1 });\n", "a")).toBe(
      'export default defineSettings({ installedApps: ["a"], port: 1 });\n',
    );
  });
});
