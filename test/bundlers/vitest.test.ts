/**
 * Vitest with `spoc/vite` in a project's vitest.config.ts: the registry is regenerated before
 * any test runs, so a test never sees a stale one, and a wiring error fails the run at startup
 * with the diagnostic (location, code frame, hint), before any test file is imported.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject, removeProjects, runNode, toolsInstalled } from "./_project.ts";

afterAll(removeProjects);

const registryTest = `import { expect, it } from "vitest";
import { registry } from "../generated/registry.ts";

it("sees the component added since the registry was last generated", () => {
  expect(registry.components.map((component) => component.key)).toContain("blog.Tag");
});
`;

async function projectWithTest(): Promise<string> {
  const root = await copyProject();
  await writeFile(
    join(root, "vitest.config.ts"),
    `import spoc from "spoc/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({ plugins: [spoc()], test: { include: ["test/**/*.test.ts"] } });
`,
  );
  await mkdir(join(root, "test"));
  await writeFile(join(root, "test/registry.test.ts"), registryTest);
  return root;
}

const vitest = ["node_modules/vitest/vitest.mjs", "run"];

describe.skipIf(!toolsInstalled)("vitest with spoc/vite", () => {
  it("regenerates a stale registry before the tests run", async () => {
    const root = await projectWithTest();
    await writeFile(
      join(root, "apps/blog/models.ts"),
      'import { model } from "../../framework/components.ts";\n\n@model\nexport class Post {}\n\n@model\nexport class Tag {}\n',
    );
    const run = await runNode(vitest, root);
    expect(run.stdout).toMatch(/Tests\s+1 passed/);
    expect(run.code).toBe(0);
  });

  it("fails the run with the diagnostic when the wiring is broken", async () => {
    const root = await projectWithTest();
    await writeFile(
      join(root, "apps/users/services.ts"),
      'import { service } from "../../framework/components.ts";\nimport { PostService } from "../blog/services.ts";\n\n@service\nexport class UserService {\n  posts = PostService;\n}\n',
    );
    const run = await runNode(vitest, root);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "apps/blog/services.ts:2:29 - error SPOC002: app modules import each other in a cycle: blog.services -> users.services -> blog.services",
    );
    expect(run.stderr).toMatch(/> 2 \| import \{ UserService \} from "\.\.\/users\/services\.ts";/);
    expect(run.stdout).not.toMatch(/Tests\s+\d+ (passed|failed)/);
  });
});
