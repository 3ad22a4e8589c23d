/**
 * One fixture project built by each tool with its spoc plugin, as a user runs the build:
 * the built app starts, resolves components through the registry the plugin wrote (the
 * bytes `spoc gen` writes) and runs a ThreadWorker and a ProcessWorker from the bundle with
 * no recipe in the tool's config; a broken fixture fails every build with SPOC002 at the
 * same file, line and column, printed in the tool's own format.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registryFiles, runPipeline } from "../../src/codegen/index.ts";
import { build, copyProject, removeProjects, runNode, type Tool, toolsInstalled } from "./_project.ts";

afterAll(removeProjects);

const allTools: readonly Tool[] = ["vite", "rollup", "webpack", "rspack", "esbuild"];

/** `apps/blog/services.ts` line 2, column 29 (1-based) as each tool prints it: 0-based columns. */
const cycleLocation: Record<Tool, RegExp> = {
  vite: /\/apps\/blog\/services\.ts:2:28\n.*SPOC002: app modules import each other in a cycle/,
  rollup: /\[plugin spoc\] apps\/blog\/services\.ts \(2:28\): SPOC002: app modules import each other in a cycle/,
  webpack: /ERROR in apps\/blog\/services\.ts\n2:28\nSPOC002: app modules import each other in a cycle/,
  rspack: /ERROR in apps\/blog\/services\.ts\n2:28\n\s*× SPOC002: app modules import each other in a cycle/,
  esbuild: /apps\/blog\/services\.ts:2:28: ERROR: \[plugin: spoc\] SPOC002: app modules import each other in a cycle/,
};

const usersServicesWithCycle = `import { service } from "../../framework/components.ts";
import { PostService } from "../blog/services.ts";
import { User } from "./models.ts";

@service
export class UserService {
  posts(): PostService {
    return new PostService();
  }
  find(name: string): User {
    return new User(name);
  }
}
`;

describe.skipIf(!toolsInstalled)("the spoc plugin in each build tool", () => {
  it.each(allTools)("%s builds an app that starts and resolves components through the registry", async (tool) => {
    const root = await copyProject();
    // A stale registry (one component short), as after an edit nobody regenerated for.
    await writeFile(
      join(root, "apps/blog/models.ts"),
      'import { model } from "../../framework/components.ts";\n\n@model\nexport class Post {\n  constructor(readonly title: string) {}\n}\n\n@model\nexport class Tag {}\n',
    );
    const built = await build(tool, root);
    expect(built.stderr + built.stdout).not.toMatch(/ERROR|error during build/);
    expect(built.code).toBe(0);

    // spoc is bundled: the app runs on plain node, as it would be deployed.
    const app = await runNode(["dist/main.js"], root);
    expect(app.stderr).toBe("");
    const report = JSON.parse(app.stdout) as { components: string[] };
    expect({ ...report, components: report.components.sort() }).toEqual({
      apps: ["users", "blog"],
      components: [
        "blog.Indexer",
        "blog.Post",
        "blog.PostService",
        "blog.Tag",
        "users.Greeter",
        "users.User",
        "users.UserService",
      ],
      user: "ada",
      post: "hello",
      // A ThreadWorker and a ProcessWorker, found in the child through the bundle's registry.
      workers: [
        { stopped: true, errors: [] },
        { stopped: true, errors: [] },
      ],
      greeting: "hello from greeter in a thread",
      indexedInAnotherProcess: true,
    });
    const { registry } = await runPipeline({ root });
    expect(registry).toBeDefined();
    for (const { file, text } of registryFiles(registry!)) {
      expect(await readFile(join(root, file), "utf8"), file).toBe(text);
    }
  });

  it("vite 8 without esbuild installed fails with SPOC030, naming the file and the install command", async () => {
    const root = await copyProject("app", ["esbuild"]);
    const built = await build("vite", root);
    expect(built.code).not.toBe(0);
    const output = `${built.stderr}\n${built.stdout}`;
    expect(output).toMatch(
      /SPOC030: \S+\.ts uses decorators, which this tool's TypeScript transform leaves in place, and esbuild \(which spoc lowers them with\) is not installed\nhint: install it with `npm install -D esbuild`/,
    );
    // Each error names the file it is about, and never the registry (its `@` is in `// @ts-nocheck`).
    const named = [...output.matchAll(/\[plugin spoc\] (\S+)\n\w*Error: SPOC030: (\S+) uses decorators/g)];
    expect(named.length).toBeGreaterThan(0);
    for (const [, file, says] of named) expect(says).toBe(file);
    expect(output).not.toContain("registry.ts uses decorators");
  });

  it.each(allTools)("%s fails on a broken fixture with SPOC002 at the import that closes the cycle", async (tool) => {
    const root = await copyProject();
    const registry = join(root, "generated/registry.data.js");
    const before = await stat(registry);
    await writeFile(join(root, "apps/users/services.ts"), usersServicesWithCycle);
    const built = await build(tool, root);
    expect(built.code).not.toBe(0);
    const output = `${built.stderr}\n${built.stdout}`;
    expect(output).toMatch(cycleLocation[tool]);
    // spoc's error alone: the stale registry was not bundled into more errors.
    expect(output).not.toMatch(/Module not found|Can't resolve|Could not resolve|Cannot find module/);
    expect((await stat(registry)).mtimeMs).toBe(before.mtimeMs);
  });
});
