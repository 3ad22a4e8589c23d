import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeCopies, runSpoc, startSpoc, waitFor } from "./_project.ts";
import { sarifViolations } from "./_sarif.ts";

afterAll(removeCopies);

const noStack = /\n\s+at .+:\d+:\d+/;

describe("spoc usage errors", () => {
  it.each([
    { args: [], says: "missing command" },
    { args: ["deploy"], says: 'unknown command "deploy"' },
    { args: ["check", "--bogus"], says: "check: Unknown option '--bogus'\n" },
    { args: ["check", "--watch"], says: "--watch" },
    { args: ["check", "--format", "xml"], says: 'unknown --format "xml"' },
    { args: ["graph", "--format", "sarif"], says: 'unknown --format "sarif"' },
    { args: ["gen", "--watch", "--check"], says: "cannot be combined" },
    { args: ["gen", "extra"], says: 'unexpected argument "extra"' },
    { args: ["check", "--root", "/definitely/not/here"], says: "is not a directory" },
  ])("spoc $args exits 2 with the usage and no stack trace", async ({ args, says }) => {
    const run = await runSpoc(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
    expect(run.stderr).toContain("Usage: spoc <command>");
    expect(run.stderr).not.toMatch(noStack);
  });

  it("prints the help on --help and exits 0", async () => {
    const run = await runSpoc(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: spoc <command>");
  });

  it("prints the package version on --version and exits 0", async () => {
    const run = await runSpoc(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("spoc 0.1.0\n");
  });
});

describe("spoc gen", () => {
  it("writes the registry, then reports it unchanged and leaves it byte-identical", async () => {
    const root = await copyFixture("cli-clean");
    const first = await runSpoc(["gen", "--root", root]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^spoc gen: generated\/registry\.ts updated \(4 modules, 4 components\) in \d+ ms\n$/);
    const registry = await readFile(join(root, "generated/registry.ts"), "utf8");
    const { mtimeMs } = await stat(join(root, "generated/registry.ts"));

    const second = await runSpoc(["gen"], { cwd: root });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/generated\/registry\.ts unchanged \(4 modules, 4 components\)/);
    expect(await readFile(join(root, "generated/registry.ts"), "utf8")).toBe(registry);
    expect((await stat(join(root, "generated/registry.ts"))).mtimeMs).toBe(mtimeMs);
  });

  it("prints the diagnostics, writes nothing and exits 1 on errors", async () => {
    const root = await copyFixture("cli-cycle");
    const run = await runSpoc(["gen", "--root", root]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error SPOC002");
    expect(run.stderr).toContain("generated/registry.ts not written");
    await expect(stat(join(root, "generated/registry.ts"))).rejects.toThrow();
  });

  it("--check fails on a missing file, passes when fresh, and prints a diff when stale", async () => {
    const root = await copyFixture("cli-clean");
    const missing = await runSpoc(["gen", "--check", "--root", root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("generated/registry.ts is missing");
    await expect(stat(join(root, "generated"))).rejects.toThrow();

    expect((await runSpoc(["gen", "--root", root])).code).toBe(0);
    const fresh = await runSpoc(["gen", "--check", "--root", root]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("is up to date");

    const file = join(root, "generated/registry.ts");
    const generated = await readFile(file, "utf8");
    const edited = generated.replace('"blog.Post"', '"blog.Article"');
    expect(edited).not.toBe(generated);
    await writeFile(file, edited);
    const stale = await runSpoc(["gen", "--check", "--root", root]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("generated/registry.ts is stale");
    expect(stale.stdout).toMatch(
      /^--- generated\/registry\.ts \(on disk\)\n\+\+\+ generated\/registry\.ts \(generated\)\n@@ -\d+/,
    );
    expect(stale.stdout).toMatch(/^-.*"blog\.Article"/m);
    expect(stale.stdout).toMatch(/^\+.*"blog\.Post"/m);
    expect(await readFile(file, "utf8")).toBe(edited);
    await writeFile(file, generated);

    // The runtime data and its declaration are checked as well.
    const data = join(root, "generated/registry.data.js");
    await writeFile(data, (await readFile(data, "utf8")).replace('"blog.models", "Post"', '"blog.models", "Article"'));
    await rm(join(root, "generated/registry.data.d.ts"));
    const staleData = await runSpoc(["gen", "--check", "--root", root]);
    expect(staleData.code).toBe(1);
    expect(staleData.stderr).toContain("generated/registry.data.js is stale, generated/registry.data.d.ts is missing");
    expect(staleData.stdout).toMatch(/^--- generated\/registry\.data\.js \(on disk\)\n/);
    expect(staleData.stdout).not.toContain("generated/registry.ts");
  });
});

describe("spoc gen --watch", () => {
  it("prints one line per regeneration, survives a broken state, and stops cleanly on Ctrl-C", async () => {
    const root = await copyFixture("cli-clean");
    const watch = startSpoc(["gen", "--watch", "--root", root]);
    try {
      await waitFor("the first run", () =>
        watch.output().stdout.includes("updated (4 modules, 4 components)") ? true : undefined,
      );
      await waitFor("the watching notice", () => (watch.output().stderr.includes("watching") ? true : undefined));
      const file = join(root, "apps/users/services.ts");
      const original = await readFile(file, "utf8");
      await writeFile(
        file,
        `import { PostService } from "../blog/services.ts";\n${original}\nexport const p = () => new PostService();\n`,
      );
      await waitFor("the broken state", () => (watch.output().stderr.includes("still watching") ? true : undefined));
      expect(watch.output().stderr).toContain("error SPOC002");
      expect(watch.output().stderr).toMatch(
        /not written after apps\/users\/services\.ts changed in \d+ ms; still watching/,
      );
      await writeFile(file, `${original}\n@service\nexport class AuditService {}\n`);
      await waitFor("the second write", () =>
        watch.output().stdout.includes("updated (4 modules, 5 components) after apps/users/services.ts changed")
          ? true
          : undefined,
      );
      // Every registry written is a whole one: never one of a file caught mid-save.
      for (const line of watch.output().stdout.trim().split("\n")) {
        expect(line).toMatch(/^spoc gen: generated\/registry\.ts (updated|unchanged) \(4 modules, [45] components\)/);
      }
      const registry = await readFile(join(root, "generated/registry.ts"), "utf8");
      expect(registry).toContain('"users.AuditService"');
      expect(registry).toContain('"blog.PostService"');
      watch.child.kill("SIGINT");
      expect(await watch.exited).toBe(0);
    } finally {
      watch.child.kill("SIGKILL");
    }
  });
});

describe("spoc check", () => {
  it("prints warnings (apps/ folders installed in no mode) and exits 0; gen still writes", async () => {
    const root = await copyFixture("no-settings");
    const check = await runSpoc(["check", "--root", root]);
    expect(check.code).toBe(0);
    expect(`${check.stdout}${check.stderr}`).toContain("apps/blog/ is installed in no mode");
    const gen = await runSpoc(["gen", "--root", root]);
    expect(gen.code).toBe(0);
    expect(await readFile(join(root, "generated/registry.ts"), "utf8")).toContain('"devtools.DevtoolsService"');
  });

  it("passes a clean project with a summary line", async () => {
    const root = await copyFixture("cli-clean");
    const run = await runSpoc(["check", "--root", root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("0 errors, 0 warnings\n");
    await expect(stat(join(root, "generated"))).rejects.toThrow();
  });

  it("prints location, code frame, cycle and hint as text, and exits 1", async () => {
    const root = await copyFixture("cli-cycle");
    const run = await runSpoc(["check", "--root", root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^apps\/(blog|users)\/services\.ts:\d+:\d+ - error SPOC002: /m);
    expect(run.stdout).toMatch(/^> +\d+ \| import .* from "\.\.\/(blog|users)\/services\.ts";$/m);
    expect(run.stdout).toMatch(/^ +\| +\^$/m);
    expect(run.stdout).toContain("cycle: blog.services -> users.services -> blog.services");
    expect(run.stdout).toMatch(/^ {2}hint: /m);
    expect(run.stdout).toMatch(/^1 error, 0 warnings\n$/m);
  });

  it("reports JSON with relative paths", async () => {
    const root = await copyFixture("cli-cycle");
    const run = await runSpoc(["check", "--root", root, "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: false, loadOrder: expect.any(Array) });
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({
      code: "SPOC002",
      severity: "error",
      message: expect.any(String),
      file: expect.stringMatching(/^apps\/(blog|users)\/services\.ts$/),
      line: expect.any(Number),
      column: expect.any(Number),
      cycle: ["blog.services", "users.services", "blog.services"],
      hint: expect.any(String),
    });
    const clean = JSON.parse(
      (await runSpoc(["check", "--root", await copyFixture("cli-clean"), "--format", "json"])).stdout,
    );
    expect(clean).toMatchObject({ ok: true, diagnostics: [] });
    expect(clean.loadOrder).toEqual(["users.models", "users.services", "blog.models", "blog.services"]);
  });

  it("reports valid SARIF 2.1.0", async () => {
    const root = await copyFixture("cli-cycle");
    const run = await runSpoc(["check", "--root", root, "--format", "sarif"]);
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(sarifViolations(log)).toEqual([]);
    expect(log.runs[0].results).toHaveLength(1);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /^apps\/(blog|users)\/services\.ts$/,
    );
  });
});

describe("spoc graph", () => {
  it("prints mermaid with schema edges dotted and import edges solid", async () => {
    const root = await copyFixture("cli-clean");
    const run = await runSpoc(["graph", "--root", root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^graph TD\n/);
    expect(run.stdout).toContain("  blog_services -. schema .-> blog_models\n");
    expect(run.stdout).toContain("  blog_services --> users_services\n");
    expect(run.stdout).toContain("%% load order: users.models, users.services, blog.models, blog.services\n");
  });

  it("prints dot and json, the same on every run", async () => {
    const root = await copyFixture("cli-clean");
    const dot = await runSpoc(["graph", "--root", root, "--format", "dot"]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('  "blog.services" -> "users.services";\n');
    const json = await runSpoc(["graph", "--root", root, "--format", "json"]);
    const graph = JSON.parse(json.stdout);
    expect(graph.nodes.map((n: { id: string }) => n.id)).toEqual([
      "users.models",
      "users.services",
      "blog.models",
      "blog.services",
    ]);
    expect(graph.edges).toContainEqual({
      from: "blog.services",
      to: "users.services",
      kind: "import",
      location: { file: "apps/blog/services.ts", line: 2, column: expect.any(Number) },
    });
    expect(graph.edges.filter((e: { kind: string }) => e.kind === "schema")).toHaveLength(2);
    expect(graph.loadOrder).toEqual(["users.models", "users.services", "blog.models", "blog.services"]);
    expect((await runSpoc(["graph", "--root", root, "--format", "json"])).stdout).toBe(json.stdout);
  });

  it("exits 1 on a cycle and still prints the graph", async () => {
    const root = await copyFixture("cli-cycle");
    const run = await runSpoc(["graph", "--root", root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("  users_services --> blog_services\n");
    expect(run.stderr).toContain("error SPOC002");
  });
});
