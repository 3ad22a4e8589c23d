/** `spoc why`, `spoc graph --level app` and `spoc graph --focus`, as a user runs them. */
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeCopies, runSpoc } from "./_project.ts";

afterAll(removeCopies);

describe("spoc why", () => {
  it("prints the shortest import chains, each import at file:line:column", async () => {
    const root = await copyFixture("layer-violation");
    const run = await runSpoc(["why", "blog.views", "users", "--root", root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "blog.views reaches users through 1 shortest chain of 2 imports:",
        "",
        "  1. blog.views -> blog.services -> users.models",
        "       apps/blog/views.ts:2:29  blog.views imports blog.services",
        "       apps/blog/services.ts:2:22  blog.services imports users.models",
        "",
      ].join("\n"),
    );
    const json = JSON.parse((await runSpoc(["why", "blog", "users", "--root", root, "--format", "json"])).stdout);
    expect(json.chains.map((chain: { from: string; to: string }[]) => chain.map((e) => `${e.from}>${e.to}`))).toEqual([
      ["blog.models>users.services"],
      ["blog.services>users.models"],
    ]);
  });

  it("exits 1 when there is no chain, and 2 with a did-you-mean for an unknown name", async () => {
    const root = await copyFixture("layer-violation");
    const none = await runSpoc(["why", "users", "blog", "--root", root]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("no runtime import chain from users to blog\n");
    const unknown = await runSpoc(["why", "blog.servces", "users", "--root", root]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '"blog.servces" is no module or app of this project; did you mean "blog.services"?',
    );
    const missing = await runSpoc(["why", "blog", "--root", root]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("why: expected <from> <to>");
  });
});

describe("spoc graph --level app and --focus", () => {
  it("draws apps, with the edges a rule forbids marked", async () => {
    const root = await copyFixture("app-undeclared-dependency");
    const run = await runSpoc(["graph", "--level", "app", "--root", root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "graph TD",
        '  app_users["users"]',
        '  app_blog["blog"]',
        '  app_shop["shop"]',
        "  app_blog -- 1 --> app_users",
        "  app_shop -. undeclared .-> app_blog",
        "",
      ].join("\n"),
    );
    const json = JSON.parse((await runSpoc(["graph", "--level", "app", "--format", "json", "--root", root])).stdout);
    expect(
      json.edges.map((e: { from: string; to: string; allowed: boolean | null }) => [e.from, e.to, e.allowed]),
    ).toEqual([
      ["blog", "users", true],
      ["shop", "blog", false],
    ]);
  });

  it("limits the graph to a node's neighbourhood", async () => {
    const root = await copyFixture("app-undeclared-dependency");
    const apps = await runSpoc(["graph", "--level", "app", "--focus", "users", "--format", "json", "--root", root]);
    expect(JSON.parse(apps.stdout).nodes.map((n: { id: string }) => n.id)).toEqual(["users", "blog"]);
    const wider = await runSpoc([
      "graph",
      "--level",
      "app",
      "--focus",
      "users",
      "--depth",
      "2",
      "--format",
      "json",
      "--root",
      root,
    ]);
    expect(JSON.parse(wider.stdout).nodes.map((n: { id: string }) => n.id)).toEqual(["users", "blog", "shop"]);
    const modules = await runSpoc(["graph", "--focus", "shop.services", "--format", "json", "--root", root]);
    expect(JSON.parse(modules.stdout).nodes.map((n: { id: string }) => n.id)).toEqual([
      "blog.models",
      "shop.models",
      "shop.services",
      "shop.views",
    ]);
  });
});

describe("app rules in spoc check", () => {
  it.each([
    {
      fixture: "app-undeclared-dependency",
      says: 'apps/shop/services.ts:3:28 - error SPOC012: shop.services imports blog.models, but app "shop" may import no other app ([spoc.rules.apps] in config/spoc.toml)',
      hint: 'hint: if "shop" may depend on "blog", add it: shop = ["blog"]; otherwise move the code, or let "blog" call "shop" instead',
    },
    {
      fixture: "app-deep-import",
      says: 'apps/blog/services.ts:3:30 - error SPOC013: blog.services imports apps/users/lib/hash.ts, a file inside app "users"; "users" is encapsulated, so other apps may import only its schema module files (apps/users/models.ts, apps/users/services.ts, apps/users/views.ts)',
      hint: 'hint: export what you need from a module file of "users" and import that, or remove "users" from [spoc.rules] encapsulated in config/spoc.toml',
    },
    {
      fixture: "app-rule-unknown-app",
      says: 'config/spoc.toml:5:17 - error SPOC014: [spoc.rules] encapsulated names app "user", which no mode installs; did you mean "users"?',
      hint: 'hint: rename it to "users"',
    },
  ])("$fixture: says what is wrong, where, and how to fix it", async ({ fixture, says, hint }) => {
    const run = await runSpoc(["check", "--root", await copyFixture(fixture)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(says);
    expect(run.stdout).toContain(hint);
  });

  it("follows an app's helper files: the import that starts the chain, with each import of it", async () => {
    const root = await copyFixture("app-undeclared-dependency-helper");
    const run = await runSpoc(["check", "--root", root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'apps/blog/services.ts:2:29 - error SPOC012: blog.services imports users.services through helper files (apps/blog/services.ts:2:29 -> apps/blog/lib/format.ts:2:26 -> apps/blog/lib/util.ts:3:29 -> apps/users/services.ts), but app "blog" may import no other app ([spoc.rules.apps] in config/spoc.toml)',
    );
    expect(run.stdout).toContain("apps/blog/lib/util.ts:3:29 - apps/blog/lib/util.ts imports apps/users/services.ts");
    expect(run.stdout).toContain(
      'hint: if "blog" may depend on "users", add it: blog = ["users"]; otherwise move the code, or let "users" call "blog" instead',
    );
    // blog.views reaches users only through `import type`: no dependency, no diagnostic.
    expect(run.stdout).not.toContain("blog.views");
    const graph = await runSpoc(["graph", "--level", "app", "--format", "json", "--root", root]);
    expect(
      JSON.parse(graph.stdout).edges.map(
        (e: { from: string; to: string; location: { file: string; line: number } }) => [
          e.from,
          e.to,
          `${e.location.file}:${e.location.line}`,
        ],
      ),
    ).toEqual([
      ["blog", "users", "apps/blog/services.ts:2"],
      ["shop", "blog", "apps/shop/services.ts:2"],
    ]);
    const why = await runSpoc(["why", "blog", "users", "--root", root]);
    expect(why.stdout).toContain(
      "apps/blog/services.ts:2:29  blog.services imports users.services through apps/blog/lib/format.ts, apps/blog/lib/util.ts",
    );
  });
});
