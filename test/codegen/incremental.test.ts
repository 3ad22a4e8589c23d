/**
 * A watch session reruns the pipeline with one cache; whatever it reuses, every rerun must
 * give exactly what a cold run on the same files gives. Each test is a session of its own, on
 * a fresh copy of the clean fixture: none sees another's edits or cache.
 */
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createScanCache,
  generateRegistry,
  runPipeline,
  type PipelineResult,
  type ScanCache,
} from "../../src/codegen/index.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
let root: string;
let cache: ScanCache;

/** Gives each test of the calling `describe` its session: `root`, a fresh copy, and `cache`, warmed by one run on it. */
function sessionPerTest(): void {
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "spoc-incremental-"));
    await cp(join(fixtures, "clean"), root, { recursive: true });
    cache = createScanCache();
    await runPipeline({ root, cache });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
}

function comparable(result: PipelineResult): unknown {
  return {
    diagnostics: result.diagnostics,
    silenced: result.silenced,
    loadOrder: result.loadOrder,
    registry: result.registry,
    model: result.model,
  };
}

async function expectSameAsCold(): Promise<PipelineResult> {
  const warm = await runPipeline({ root, cache });
  const cold = await runPipeline({ root });
  expect(comparable(warm)).toEqual(comparable(cold));
  return warm;
}

/** Runs `body` on a fresh copy of the clean fixture of its own, removed afterwards. */
async function inCleanCopy(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "spoc-incremental-copy-"));
  try {
    await cp(join(fixtures, "clean"), dir, { recursive: true });
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const edit = async (file: string, change: (text: string) => string): Promise<void> => {
  const path = join(root, file);
  await writeFile(path, change(await readFile(path, "utf8")));
};

describe("reruns with one cache", () => {
  sessionPerTest();

  it("adding a component", async () => {
    await appendFile(join(root, "apps/users/models.ts"), "\n@model\nexport class Avatar {}\n");
    const result = await expectSameAsCold();
    expect(result.registry?.module).toContain('"users.Avatar"');
  });

  it("editing a function body keeps the module and the registry", async () => {
    const before = await runPipeline({ root, cache });
    await edit("apps/blog/services.ts", (text) => text.replace("return post;", "return post; // edited"));
    const after = await expectSameAsCold();
    expect(after.registry).toEqual(before.registry);
    expect(after.model?.modules.find((m) => m.name === "blog.services")).toBe(
      before.model?.modules.find((m) => m.name === "blog.services"),
    );
  });

  it("changing a registrar in the shared components file", async () => {
    await edit("framework/components.ts", (text) => text.replace('register("service")', 'register("view")'));
    const result = await expectSameAsCold();
    expect(result.diagnostics.map((d) => d.code)).toContain("SPOC006");
    await edit("framework/components.ts", (text) =>
      text.replace('service = components.register("view")', 'service = components.register("service")'),
    );
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
  });

  it("an import that closes a cycle, then removing it", async () => {
    await edit(
      "apps/users/models.ts",
      (text) => `import { Post } from "../blog/models.ts";\n${text}\nexport const posts: Post[] = [];\n`,
    );
    await edit("apps/blog/models.ts", (text) => text.replace("import type { User }", "import { User }"));
    const result = await expectSameAsCold();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["SPOC002"]);
    expect(result.loadOrder).toBeUndefined();
    await edit("apps/blog/models.ts", (text) => text.replace("import { User }", "import type { User }"));
    expect((await expectSameAsCold()).loadOrder).toBeDefined();
  });

  it("deleting and recreating a module file", async () => {
    const path = join(root, "apps/devtools/views.ts");
    const text = await readFile(path, "utf8");
    await unlink(path);
    expect((await expectSameAsCold()).diagnostics.map((d) => d.code)).toEqual(["SPOC005"]);
    await writeFile(path, text);
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
  });

  it("changing the schema and the settings", async () => {
    await edit("config/schema.ts", (text) =>
      text.replace('services: ["models"],', 'services: ["models"],\n    models: [],'),
    );
    await expectSameAsCold();
    await edit("config/settings.ts", (text) =>
      text.replace('installedApps: ["users", "blog"]', 'installedApps: ["blog", "users"]'),
    );
    const result = await expectSameAsCold();
    // blog is now installed first, and blog.models only imports users.models as a type.
    expect(result.loadOrder?.slice(0, 2)).toEqual(["blog.models", "users.models"]);
  });

  it("a module file deleted and recreated, listed in `changed`", async () => {
    const path = join(root, "apps/devtools/views.ts");
    const text = await readFile(path, "utf8");
    await unlink(path);
    const gone = await runPipeline({ root, cache, changed: ["apps/devtools/views.ts"] });
    expect(comparable(gone)).toEqual(comparable(await runPipeline({ root })));
    await writeFile(path, text);
    const back = await runPipeline({ root, cache, changed: ["apps/devtools/views.ts"] });
    expect(comparable(back)).toEqual(comparable(await runPipeline({ root })));
    await appendFile(path, "\nexport const more = view(async function more() {});\n");
    const edited = await runPipeline({ root, cache, changed: ["apps/devtools/views.ts"] });
    expect(comparable(edited)).toEqual(comparable(await runPipeline({ root })));
    await writeFile(path, text);
    await expectSameAsCold();
  });

  it("trusts files left out of `changed`, and re-reads those listed", async () => {
    const file = join(root, "apps/blog/views.ts");
    await appendFile(file, "\nexport const archive = view(async function archive() {});\n");
    const trusting = await runPipeline({ root, cache, changed: [] });
    expect(trusting.registry?.module).not.toContain('"blog.archive"');
    const told = await runPipeline({ root, cache, changed: ["apps/blog/views.ts"] });
    expect(told.registry?.module).toContain('"blog.archive"');
    await expectSameAsCold();
  });

  // The checks keep each module's diagnostics (kinds, layers, mode leaks) and each app's
  // duplicate keys: introducing a problem in one module and fixing it must match cold runs.
  it("a kind mismatch in one module, then fixing it", async () => {
    await edit(
      "apps/blog/models.ts",
      (text) =>
        `import { service } from "../../framework/components.ts";\n${text}\n@service\nexport class Misplaced {}\n`,
    );
    expect((await expectSameAsCold()).diagnostics.map((d) => d.code)).toEqual(["SPOC006"]);
    await edit("apps/blog/models.ts", (text) =>
      text.replace("@service\nexport class Misplaced", "@model\nexport class Misplaced"),
    );
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
  });

  it("a duplicate key across two modules of one app, then renaming it", async () => {
    await edit("apps/blog/models.ts", (text) => `${text}\n@model\nexport class PostService {}\n`);
    const result = await expectSameAsCold();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["SPOC007"]);
    expect(result.registry).toBeUndefined();
    await edit("apps/blog/models.ts", (text) =>
      text.replace("export class PostService {}", "export class PostRecord {}"),
    );
    expect((await expectSameAsCold()).registry?.module).toContain('"blog.PostRecord"');
    // The other module of the pair changes instead: the app's keys are checked again.
    await edit("apps/blog/services.ts", (text) => `${text}\n@service\nexport class PostRecord {}\n`);
    expect((await expectSameAsCold()).diagnostics.map((d) => d.code)).toEqual(["SPOC007"]);
    await edit("apps/blog/services.ts", (text) =>
      text.replace("export class PostRecord {}", "export class PostRecords {}"),
    );
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
  });

  it("a layer violation in one module, then removing it", async () => {
    const before = await readFile(join(root, "apps/blog/models.ts"), "utf8");
    await edit(
      "apps/blog/models.ts",
      (text) =>
        `import { UserService } from "../users/services.ts";\n${text}\nexport const services = [UserService];\n`,
    );
    expect((await expectSameAsCold()).diagnostics.map((d) => d.code)).toEqual(["SPOC003"]);
    await writeFile(join(root, "apps/blog/models.ts"), before);
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
  });

  it("a helper file of an app that starts importing an app the rules forbid, then stops", async () => {
    const toml = join(root, "config/spoc.toml");
    const config = await readFile(toml, "utf8");
    await writeFile(toml, `${config}\n[spoc.rules.apps]\nblog = ["users"]\n`);
    await mkdir(join(root, "apps/blog/lib"), { recursive: true });
    await writeFile(join(root, "apps/blog/lib/util.ts"), "export const util = 1;\n");
    await edit("apps/blog/services.ts", (text) => `import { util } from "./lib/util.ts";\n${text}\nexport { util };\n`);
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
    await writeFile(
      join(root, "apps/blog/lib/util.ts"),
      'export { DevtoolsRecord as util } from "../../devtools/models.ts";\n',
    );
    const codes = (await expectSameAsCold()).diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`);
    expect(codes).toEqual(["SPOC012 apps/blog/services.ts:1"]);
    await writeFile(join(root, "apps/blog/lib/util.ts"), "export const util = 1;\n");
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
    // As watch mode reruns: told that only the helper changed.
    await writeFile(
      join(root, "apps/blog/lib/util.ts"),
      'export { DevtoolsRecord as util } from "../../devtools/models.ts";\n',
    );
    const told = await runPipeline({ root, cache, changed: ["apps/blog/lib/util.ts"] });
    expect(told.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(["SPOC012 apps/blog/services.ts:1"]);
    await writeFile(join(root, "apps/blog/lib/util.ts"), "export const util = 1;\n");
    expect((await runPipeline({ root, cache, changed: ["apps/blog/lib/util.ts"] })).diagnostics).toEqual([]);
    // (blog.services keeps importing the helper: a warm run's inputs keep every file an earlier
    // run read while the module files and those files are unchanged, a superset of a cold run's.)
    await writeFile(toml, config);
    expect((await expectSameAsCold()).diagnostics).toEqual([]);
  });

  // A file that stops parsing keeps a cache entry (its facts hold the syntax error), and the
  // module and checks memos must not keep the broken module once it parses again.
  it("a module file that stops parsing, then parses again", async () => {
    const path = join(root, "apps/blog/views.ts");
    const text = await readFile(path, "utf8");
    const fixed = await expectSameAsCold();
    await writeFile(path, text.replace("export const", "const oops = `;\nexport const"));
    const broken = await expectSameAsCold();
    expect(broken.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ["SPOC008", "error", "apps/blog/views.ts"],
    ]);
    expect(broken.diagnostics[0]?.message).toMatch(
      /^apps\/blog\/views\.ts does not parse: Unterminated template literal/,
    );
    expect(broken.registry).toBeUndefined();
    // A rerun served from the cache still reports it, with or without `changed`.
    const parses = cache.parses;
    expect((await runPipeline({ root, cache })).diagnostics).toEqual(broken.diagnostics);
    expect((await runPipeline({ root, cache, changed: [] })).diagnostics).toEqual(broken.diagnostics);
    expect(cache.parses).toBe(parses);
    await writeFile(path, text);
    const again = await expectSameAsCold();
    expect(again.diagnostics).toEqual(fixed.diagnostics);
    expect(again.registry).toEqual(fixed.registry);
  });

  it("settings and schema that stop parsing, then parse again", async () => {
    for (const [file, from, to] of [
      ["config/settings.ts", /installedApps: \[([^\]]*)\]/, "installedApps: [$1"],
      ["config/schema.ts", "strict:", ", strict:"],
    ] as const) {
      const path = join(root, file);
      const text = await readFile(path, "utf8");
      const fixed = await expectSameAsCold();
      await writeFile(path, text.replace(from, to));
      const broken = await expectSameAsCold();
      expect(broken.diagnostics.map((d) => [d.code, d.file])).toEqual([["SPOC008", file]]);
      expect(broken.diagnostics[0]?.message).toContain(`${file} does not parse: `);
      expect((await runPipeline({ root, cache, changed: [] })).diagnostics).toEqual(broken.diagnostics);
      await writeFile(path, text);
      expect((await expectSameAsCold()).registry).toEqual(fixed.registry);
    }
  });

  it("an edit after the registry renders again keeps every module's text", async () => {
    // Components added and removed in one module, with the load order and nodes unchanged.
    for (const name of ["Extra1", "Extra2"]) {
      await appendFile(join(root, "apps/users/models.ts"), `\n@model\nexport class ${name} {}\n`);
      expect((await expectSameAsCold()).registry?.module).toContain(`"users.${name}"`);
    }
    await edit("apps/users/models.ts", (text) => text.replace(/\n@model\nexport class Extra\d \{\}\n/g, ""));
    expect((await expectSameAsCold()).registry?.module).not.toContain("users.Extra");
  });
});

describe("reruns told which file changed", () => {
  sessionPerTest();

  // Watch mode passes the edited files: a clean edit of one module file is rescanned alone and
  // spliced into the previous result; every other edit falls back to the whole scan. Each step
  // must give what a cold run gives.
  it("a sequence of edits of one module file, each the same as a cold run", async () => {
    const file = "apps/blog/services.ts";
    const original = await readFile(join(root, file), "utf8");
    const steps: [string, (text: string) => string][] = [
      ["a function body", (text) => text.replace("return post;", "return post; // edited")],
      ["a component more", (text) => `${text}\n@service\nexport class TagService {}\n`],
      ["a component renamed", (text) => text.replace("TagService", "LabelService")],
      [
        "a component moved down a line",
        (text) => text.replace("@service\nexport class LabelService", "\n@service\nexport class LabelService"),
      ],
      [
        "an import of another module",
        (text) =>
          `import { DevtoolsRecord as Other } from "../devtools/models.ts";\n${text}\nexport const other = Other;\n`,
      ],
      [
        "a component of another kind (SPOC006)",
        (text) => text.replace("@service\nexport class LabelService", "@model\nexport class LabelService"),
      ],
      [
        "back to a service",
        (text) => text.replace("@model\nexport class LabelService", "@service\nexport class LabelService"),
      ],
      ["a default-exported component (SPOC021)", (text) => `${text}\n@service\nexport default class Hidden {}\n`],
      ["named again", (text) => text.replace("export default class Hidden", "export class Hidden")],
      ["a syntax error (SPOC008)", (text) => `${text}\nexport const broken = ;\n`],
      ["fixed", (text) => text.replace("\nexport const broken = ;\n", "\n")],
      ["the original", () => original],
    ];
    for (const [what, change] of steps) {
      await edit(file, change);
      const warm = await runPipeline({ root, cache, changed: [file] });
      const cold = await runPipeline({ root });
      expect(comparable(warm), what).toEqual(comparable(cold));
    }
  });
});

describe("reruns told which files changed, across changes of the project's shape", () => {
  // A run told that only known module files were edited reuses the previous reading of the
  // configuration and of apps/'s folders; a configuration file, a file added, removed or
  // renamed, or an app added or removed must read the project again. Each step is listed in
  // `changed` as watch mode would list its events, then compared with a cold run.
  it("settings, spoc.toml, schema, files and apps added, removed and renamed, with edits between", async () => {
    await inCleanCopy(async (dir) => {
      const session = createScanCache();
      await runPipeline({ root: dir, cache: session });
      const change = async (file: string, edit: (text: string) => string): Promise<void> => {
        await writeFile(join(dir, file), edit(await readFile(join(dir, file), "utf8")));
      };
      const bodyEdit = (n: number) => async () =>
        change("apps/blog/services.ts", (text) => `${text}\nexport const touched${n} = ${n};\n`);
      const steps: [string, () => Promise<void>, string[]][] = [
        ["a module body", bodyEdit(1), ["apps/blog/services.ts"]],
        [
          "settings install an app without a folder (SPOC004)",
          () => change("config/settings.ts", (text) => text.replace('["users", "blog"]', '["users", "blog", "tags"]')),
          ["config/settings.ts"],
        ],
        ["a module body, the app still missing", bodyEdit(2), ["apps/blog/services.ts"]],
        [
          "the app's folder and its modules appear",
          async () => {
            await mkdir(join(dir, "apps/tags"));
            for (const module of ["models", "services", "views"])
              await writeFile(join(dir, `apps/tags/${module}.ts`), `export const ${module}Of = "tags";\n`);
          },
          ["apps/tags/models.ts", "apps/tags/services.ts", "apps/tags/views.ts"],
        ],
        ["a module body, with the new app", bodyEdit(3), ["apps/blog/services.ts"]],
        [
          "a component in the new app",
          () =>
            change(
              "apps/tags/models.ts",
              (text) =>
                `import { model } from "../../framework/components.ts";\n${text}\n@model\nexport class Tag {}\n`,
            ),
          ["apps/tags/models.ts"],
        ],
        [
          "a module file renamed to a folder module",
          async () => {
            await mkdir(join(dir, "apps/tags/views"));
            await writeFile(join(dir, "apps/tags/views/index.ts"), await readFile(join(dir, "apps/tags/views.ts")));
            await unlink(join(dir, "apps/tags/views.ts"));
          },
          ["apps/tags/views.ts", "apps/tags/views/index.ts"],
        ],
        [
          "a module file removed (SPOC005)",
          () => unlink(join(dir, "apps/tags/services.ts")),
          ["apps/tags/services.ts"],
        ],
        ["a module body, one module missing", bodyEdit(4), ["apps/blog/services.ts"]],
        [
          "spoc.toml installs the app in production too",
          () => change("config/spoc.toml", (text) => text.replace("production = []", 'production = ["tags"]')),
          ["config/spoc.toml"],
        ],
        [
          "the schema's modules",
          () => change("config/schema.ts", (text) => text.replace('"views"]', '"views", "workers"]')),
          ["config/schema.ts"],
        ],
        ["a module body, under the new schema", bodyEdit(5), ["apps/blog/services.ts"]],
        [
          "the app removed, folder and all",
          async () => {
            await rm(join(dir, "apps/tags"), { recursive: true });
            await change("config/settings.ts", (text) =>
              text.replace('["users", "blog", "tags"]', '["users", "blog"]'),
            );
            await change("config/spoc.toml", (text) => text.replace('production = ["tags"]', "production = []"));
          },
          ["apps/tags/models.ts", "apps/tags/views/index.ts", "config/settings.ts", "config/spoc.toml"],
        ],
        ["a module body, at the end", bodyEdit(6), ["apps/blog/services.ts"]],
      ];
      for (const [what, step, changed] of steps) {
        await step();
        const warm = await runPipeline({ root: dir, cache: session, changed });
        const cold = await runPipeline({ root: dir });
        expect(comparable(warm), what).toEqual(comparable(cold));
      }
    });
  });
});

describe("generations with one cache", () => {
  it("write exactly the cold registry, and only when it changed", async () => {
    await inCleanCopy(async (dir) => {
      const session = createScanCache();
      const registry = join(dir, "generated/registry.ts");
      const data = join(dir, "generated/registry.data.js");
      expect((await generateRegistry({ root: dir, cache: session })).written).toBe(true);
      const models = join(dir, "apps/users/models.ts");
      const original = await readFile(models, "utf8");
      const steps: [string, boolean][] = [
        [`${original}\n@model\nexport class Extra1 {}\n`, true], // a component more
        [`${original}\n@model\nexport class Extra2 {}\n`, true], // renamed, same length
        [`${original}\n@model\nexport class Extra2 {}\n// a comment\n`, false], // no registry change
        [`@model\nexport class First {}\n${original}\n@model\nexport class Extra2 {}\n`, true],
        [original, true], // back to the start
        [`${original}\n@model\nexport class Élan {}\n`, true], // not ASCII
        [original, true],
      ];
      for (const [text, changes] of steps) {
        await writeFile(models, text);
        const generation = await generateRegistry({ root: dir, cache: session, changed: ["apps/users/models.ts"] });
        expect(generation.written).toBe(changes);
        const cold = await runPipeline({ root: dir });
        expect(await readFile(registry, "utf8")).toBe(cold.registry?.module);
        expect(await readFile(data, "utf8")).toBe(cold.registry?.data);
      }
      // Rewritten behind the session's back: compared and written again.
      for (const file of [registry, data]) {
        await writeFile(file, "stale");
        expect((await generateRegistry({ root: dir, cache: session, changed: [] })).written).toBe(true);
        const cold = await runPipeline({ root: dir });
        expect(await readFile(file, "utf8")).toBe(file === data ? cold.registry?.data : cold.registry?.module);
      }
    });
  });
});
