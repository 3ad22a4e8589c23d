/**
 * `spoc/eslint` through ESLint's own API, as an editor or `npx eslint` runs it: the diagnostics
 * of `spoc check` appear in the file that causes them, at the import or declaration; a clean
 * project (the example) gets none.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ESLint } from "eslint";
import spoc from "spoc/eslint";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeCopies, repoRoot } from "../cli/_project.ts";

afterAll(removeCopies);

async function lint(cwd: string, patterns: string[]) {
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [spoc.configs.standalone] });
  const results = await eslint.lintFiles(patterns);
  return results
    .flatMap((result) =>
      result.messages.map(
        (m) =>
          `${result.filePath.slice(cwd.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.message.split(" — hint: ")[0]}`,
      ),
    )
    .sort();
}

describe("spoc/eslint", () => {
  it("reports nothing on the example", async () => {
    expect(await lint(repoRoot, ["apps/**/*.ts", "framework/**/*.ts"])).toEqual([]);
  });

  it("reports layers, cycles and app rules in the files that cause them", async () => {
    const root = await copyFixture("app-undeclared-dependency");
    // A cycle: users.services imports shop.services, which imports blog.models … and back.
    await writeFile(
      join(root, "apps/blog/models.ts"),
      'import { model } from "../../framework/components.ts";\nimport "../shop/models.ts";\n\n@model\nexport class BlogRecord {}\n',
    );
    await writeFile(
      join(root, "apps/shop/models.ts"),
      'import { model } from "../../framework/components.ts";\nimport "../blog/models.ts";\n\n@model\nexport class ShopRecord {}\n',
    );
    expect(await lint(root, ["apps/**/*.ts"])).toEqual([
      "apps/blog/models.ts:2:8 spoc/check SPOC002 app modules import each other in a cycle: blog.models -> shop.models -> blog.models",
      'apps/blog/models.ts:2:8 spoc/check SPOC012 blog.models imports shop.models, but app "blog" may import only "users" ([spoc.rules.apps] in config/spoc.toml)',
      "apps/shop/models.ts:2:8 spoc/check SPOC002 app modules import each other in a cycle: blog.models -> shop.models -> blog.models; here shop.models imports blog.models",
      'apps/shop/models.ts:2:8 spoc/check SPOC012 shop.models imports blog.models, but app "shop" may import no other app ([spoc.rules.apps] in config/spoc.toml)',
      'apps/shop/services.ts:3:28 spoc/check SPOC012 shop.services imports blog.models, but app "shop" may import no other app ([spoc.rules.apps] in config/spoc.toml)',
    ]);
  });

  it("sees a file fixed between two lints of one session", async () => {
    const root = await copyFixture("layer-violation");
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [spoc.configs.standalone] });
    const file = join(root, "apps/blog/models.ts");
    const [before] = await eslint.lintFiles([file]);
    expect(before?.messages.map((m) => `${m.line}:${m.column} ${m.message.slice(0, 7)}`)).toEqual(["2:29 SPOC003"]);
    expect(before?.messages[0]?.message).toContain(' — hint: "models" has no schema dependencies');
    await writeFile(file, 'import { model } from "../../framework/components.ts";\n\n@model\nexport class Post {}\n');
    const [after] = await eslint.lintFiles([file]);
    expect(after?.messages).toEqual([]);
  });
});
