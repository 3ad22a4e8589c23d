/** baseDir: found upward from the entry file, and a wrong one fails the start naming it. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, Framework, defineSchema, findBaseDir, type Registry } from "spoc";

const root = realpathSync(mkdtempSync(join(tmpdir(), "spoc-base-dir-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "project", "config"), { recursive: true });
mkdirSync(join(root, "project", "dist"), { recursive: true });
writeFileSync(join(root, "project", "dist", "main.js"), "");
writeFileSync(join(root, "project", "main.ts"), "");

describe("findBaseDir", () => {
  it("is the folder with config/, from the sources' entry and from the bundle's", () => {
    const project = join(root, "project");
    expect(findBaseDir(pathToFileURL(join(project, "main.ts")).href)).toBe(project);
    expect(findBaseDir(pathToFileURL(join(project, "dist", "main.js")))).toBe(project);
    expect(findBaseDir(join(project, "dist"))).toBe(project);
  });

  it("names every folder it searched when none has config/", () => {
    const searched: string[] = [];
    for (let dir = root; ; dir = dirname(dir)) {
      searched.push(`  ${dir}`);
      if (dirname(dir) === dir) break;
    }
    expect(() => findBaseDir(root)).toThrow(
      `no project root with a config/ folder at or above ${root}; searched:\n${searched.join("\n")}`,
    );
  });
});

describe("Framework.start with a wrong baseDir", () => {
  it("fails with SPOC132 naming the folder instead of running with defaults", async () => {
    const schema = defineSchema({ modules: ["models"] });
    // The baseDir is checked first: the registry is never read.
    const registry = {} as Registry;
    const error = await Framework.start({ baseDir: join(root, "project", "dist"), schema, registry }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "SPOC132",
      message: `baseDir ${join(root, "project", "dist")} has no config/ folder`,
    });
  });
});
