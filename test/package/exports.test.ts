/**
 * The public export names of spoc/codegen and spoc/workers/child: a change here is an API
 * change, to be made on purpose. (spoc's are pinned by test/runtime/api.test.ts, which also
 * shows the runtime entry holds no build-time helper; spoc/workers' by test/workers/api.test.ts.)
 */
import { expect, it } from "vitest";
import * as codegen from "spoc/codegen";

it("spoc/codegen", () => {
  expect(Object.keys(codegen).sort()).toMatchInlineSnapshot(`
    [
      "REGENERATE_COMMAND",
      "REGISTRY_DATA_FILE",
      "REGISTRY_DATA_TYPES_FILE",
      "REGISTRY_FILE",
      "compareDiagnostics",
      "computeLoadOrder",
      "createScanCache",
      "defineRegistry",
      "dependencyClosure",
      "findCycles",
      "formatDot",
      "formatMermaid",
      "formatText",
      "generateRegistry",
      "kindBelongsToModule",
      "moduleEdges",
      "moduleGraph",
      "pluralOf",
      "registryFiles",
      "renderRegistry",
      "runChecks",
      "runPipeline",
      "schemaFingerprint",
      "shutdownOrder",
      "spocPlugin",
      "toGraphJson",
      "toJsonReport",
      "toSarif",
      "topologicalOrder",
      "watchProject",
      "writeIfChanged",
    ]
  `);
});

it("spoc/workers/child exports nothing: it is a worker thread's or process's entry point", async () => {
  expect(Object.keys(await import("spoc/workers/child"))).toEqual([]);
});
