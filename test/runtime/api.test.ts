import { build } from "esbuild";
import { expect, it } from "vitest";
import * as spoc from "spoc";

it("keeps the public runtime API stable", () => {
  expect(Object.keys(spoc).sort()).toMatchInlineSnapshot(`
    [
      "AbstractWorker",
      "Components",
      "ConfigError",
      "DependencyCycleError",
      "ErrorCode",
      "Framework",
      "ProcessWorker",
      "Server",
      "SpocError",
      "ThreadWorker",
      "WorkerError",
      "defineSchema",
      "defineSettings",
      "env",
      "findBaseDir",
      "formatError",
    ]
  `);
});

it("never pulls the compiler or the generator into the runtime", async () => {
  const result = await build({
    entryPoints: ["src/index.ts"],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs).toContain("src/framework.ts");
  expect(inputs.filter((file) => /ts-morph|typescript|fast-glob|src\/codegen\//.test(file))).toEqual([]);
});
