import { spawnSync } from "node:child_process";
import { appendFile, chmod, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createScanCache, registryFiles, runPipeline, writeIfChanged } from "../../src/codegen/index.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const temporary: string[] = [];

async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `spoc-codegen-${name}-`));
  await cp(join(fixtures, name), dir, { recursive: true });
  temporary.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("runPipeline", () => {
  it("with render: false finds the same and renders nothing, also in a session that renders next", async () => {
    const root = join(fixtures, "clean");
    const rendered = await runPipeline({ root });
    expect(rendered.registry).toBeDefined();
    const cache = createScanCache();
    const checked = await runPipeline({ root, cache, render: false });
    expect(checked.registry).toBeUndefined();
    expect(checked.diagnostics).toEqual(rendered.diagnostics);
    expect(checked.loadOrder).toEqual(rendered.loadOrder);
    expect((await runPipeline({ root, cache })).registry).toEqual(rendered.registry);
  });

  it("warns about folders under apps/ that no mode installs, and still renders", async () => {
    const root = join(fixtures, "no-settings");
    const result = await runPipeline({ root });
    expect(result.diagnostics.map((d) => [d.severity, d.code, d.file, d.message])).toEqual([
      ["warning", "SPOC008", "config/spoc.toml", "apps/blog/ is installed in no mode"],
      ["warning", "SPOC008", "config/spoc.toml", "apps/users/ is installed in no mode"],
    ]);
    expect(result.diagnostics[0]?.hint).toContain("installedApps");
    expect(result.registry?.module).toContain('"devtools.DevtoolsService"');
    // With a settings file, the warning points at it.
    const withSettings = await copyFixture("clean");
    await writeFile(join(withSettings, "config/settings.ts"), 'export default { installedApps: ["users"] };\n');
    const warned = await runPipeline({ root: withSettings });
    expect(warned.diagnostics.map((d) => [d.severity, d.file, d.message])).toEqual([
      ["warning", "config/settings.ts", "apps/blog/ is installed in no mode"],
    ]);
    expect(warned.registry).toBeDefined();
  });

  it("renders a byte-identical registry on a second run, with or without a cache", async () => {
    const root = join(fixtures, "clean");
    const cache = createScanCache();
    const first = await runPipeline({ root, cache });
    const second = await runPipeline({ root, cache });
    const fresh = await runPipeline({ root });
    expect(first.registry).toBeDefined();
    expect(second.registry).toEqual(first.registry);
    expect(fresh.registry).toEqual(first.registry);
  });

  it("lists the registry's files data first, so a reader woken by registry.ts finds its data written", async () => {
    const result = await runPipeline({ root: join(fixtures, "clean") });
    const files = registryFiles(result.registry ?? { module: "", data: "" });
    expect(files.map((f) => f.file)).toEqual([
      "generated/registry.data.js",
      "generated/registry.data.d.ts",
      "generated/registry.ts",
    ]);
    expect(files[2]?.text).toBe(result.registry?.module);
  });

  it("does not depend on where the project lives", async () => {
    const copy = await copyFixture("aliased-components");
    const result = await runPipeline({ root: copy });
    expect(result.registry?.module).toBe(
      await readFile(join(fixtures, "aliased-components", "expected-registry.ts"), "utf8"),
    );
    expect(result.registry?.data).toBe(
      await readFile(join(fixtures, "aliased-components", "expected-registry.data.js"), "utf8"),
    );
    expect(result.model?.root).toBe(copy);
  });

  it("re-parses only the file that changed", async () => {
    const root = await copyFixture("clean");
    const cache = createScanCache();
    await runPipeline({ root, cache });
    const afterFirst = cache.parses;
    expect(afterFirst).toBeGreaterThanOrEqual(12);

    await runPipeline({ root, cache });
    expect(cache.parses).toBe(afterFirst);

    await appendFile(join(root, "apps/users/models.ts"), "\n@model\nexport class Avatar {}\n");
    const changed = await runPipeline({ root, cache });
    expect(cache.parses).toBe(afterFirst + 1);
    expect(changed.model?.modules.find((m) => m.name === "users.models")?.components.map((c) => c.key)).toContain(
      "users.Avatar",
    );
    expect(changed.registry?.module).toContain(
      '"users.Avatar": Export<typeof import("../apps/users/models.ts"), "Avatar", "users.Avatar">;',
    );
  });

  it("lists the files the result depends on", async () => {
    const result = await runPipeline({ root: join(fixtures, "clean") });
    expect(result.model?.inputs).toEqual([
      "apps/blog/models.ts",
      "apps/blog/services.ts",
      "apps/blog/views.ts",
      "apps/devtools/models.ts",
      "apps/devtools/services.ts",
      "apps/devtools/views.ts",
      "apps/users/models.ts",
      "apps/users/services.ts",
      "apps/users/views.ts",
      "config/schema.ts",
      "config/settings.ts",
      "config/spoc.toml",
      "framework/components.ts",
      "framework/plugins.ts",
    ]);
  });

  it("renders nothing while there are errors, and again once they are fixed", async () => {
    const root = await copyFixture("layer-violation");
    const cache = createScanCache();
    const broken = await runPipeline({ root, cache });
    expect(broken.diagnostics.map((d) => d.code)).toEqual(["SPOC003"]);
    expect(broken.registry).toBeUndefined();
    await writeFile(
      join(root, "apps/blog/models.ts"),
      'import { model } from "../../framework/components.ts";\n\n@model\nexport class Post {}\n',
    );
    const fixed = await runPipeline({ root, cache });
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.registry?.module).toContain('"blog.Post"');
  });
});

describe("scanning imports", () => {
  it("counts side-effect imports and re-exports as runtime edges, type-only ones as not, and ignores import()", async () => {
    const root = await copyFixture("clean");
    await writeFile(
      join(root, "apps/blog/views.ts"),
      `import "../users/models.ts";
import type { UserService } from "../users/services.ts";
export { listUsers } from "../users/views.ts";
export type { User } from "../users/models.ts";
import { view } from "../../framework/components.ts";

export const listPosts = view(async function listPosts(service?: UserService) {
  await import("../devtools/views.ts");
  return service;
});
`,
    );
    const result = await runPipeline({ root });
    const imports = result.model?.modules.find((m) => m.name === "blog.views")?.imports;
    expect(imports).toEqual([
      {
        target: "users.models",
        file: "apps/blog/views.ts",
        line: 1,
        column: 8,
        typeOnly: false,
        targetFile: "apps/users/models.ts",
      },
      {
        target: "users.services",
        file: "apps/blog/views.ts",
        line: 2,
        column: 34,
        typeOnly: true,
        targetFile: "apps/users/services.ts",
      },
      {
        target: "users.views",
        file: "apps/blog/views.ts",
        line: 3,
        column: 27,
        typeOnly: false,
        targetFile: "apps/users/views.ts",
      },
      {
        target: "users.models",
        file: "apps/blog/views.ts",
        line: 4,
        column: 27,
        typeOnly: true,
        targetFile: "apps/users/models.ts",
      },
    ]);
    // A re-exported component belongs to the module that declares it, not to the one re-exporting it.
    expect(result.model?.modules.find((m) => m.name === "blog.views")?.components.map((c) => c.key)).toEqual([
      "blog.listPosts",
    ]);
  });

  it("resolves kinds through a namespace import of spoc and a re-exporting barrel", async () => {
    const root = await copyFixture("clean");
    await writeFile(
      join(root, "framework/components.ts"),
      `import * as spoc from "spoc";

export const components = new spoc.Components("model", "service", "view");
export const model = components.register("model", { config: { table: true } });
export const service = components.register("service");
export const view = components.register("view");
`,
    );
    await writeFile(join(root, "framework/index.ts"), `export { model as entity } from "./components.ts";\n`);
    await writeFile(
      join(root, "apps/users/models.ts"),
      `import { entity } from "../../framework/index.ts";\n\n@entity\nexport class User {}\n`,
    );
    const result = await runPipeline({ root });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.modules.find((m) => m.name === "users.models")?.components).toEqual([
      {
        kind: "model",
        key: "users.User",
        module: "users.models",
        exportName: "User",
        file: "apps/users/models.ts",
        line: 4,
        column: 14,
      },
    ]);
  });
});

describe("writeIfChanged", () => {
  it("creates the folder, writes atomically and leaves an unchanged file alone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spoc-write-"));
    temporary.push(dir);
    const path = join(dir, "generated", "registry.ts");

    expect(await writeIfChanged(path, "one\n")).toBe(true);
    expect(await readFile(path, "utf8")).toBe("one\n");
    const before = await stat(path);

    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await writeIfChanged(path, "one\n")).toBe(false);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);

    expect(await writeIfChanged(path, "two\n")).toBe(true);
    expect(await readFile(path, "utf8")).toBe("two\n");
    expect(await readdir(join(dir, "generated"))).toEqual(["registry.ts"]);
  });

  it("keeps the file's mode, and removes what a killed writer left behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spoc-write-"));
    temporary.push(dir);
    const folder = join(dir, "generated");
    const path = join(folder, "registry.data.js");
    expect(await writeIfChanged(path, "one\n")).toBe(true);
    await chmod(path, 0o640);
    // A run killed during its write: its process is gone, its temporary file is not.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(join(folder, `.registry.data.js.${gone}.0123abcd.tmp`), "half a fi");
    expect(await writeIfChanged(path, "two\n")).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(folder)).toEqual(["registry.data.js"]);
  });
});
