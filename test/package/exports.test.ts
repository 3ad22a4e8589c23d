/**
 * The public export names of each entry of the package: a change here is an API change,
 * to be made on purpose. The runtime entry holds no build-time helper; those are in
 * spoc/codegen.
 */
import { expect, it } from "vitest";
import * as codegen from "spoc/codegen";
import * as runtime from "spoc";
import * as workers from "spoc/workers";

it("spoc", () => {
  expect(Object.keys(runtime).sort()).toMatchInlineSnapshot(`
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

it("spoc/workers", () => {
  expect(Object.keys(workers).sort()).toMatchInlineSnapshot(`
    [
      "AbstractWorker",
      "JobQueue",
      "ProcessWorker",
      "QueueConsumer",
      "QueueWorker",
      "Server",
      "ThreadWorker",
      "getWorkerLocation",
      "isQueueWorkerClass",
      "queueWorker",
      "queueWorkersOf",
      "runQueueWorkers",
      "setWorkerLocation",
    ]
  `);
});

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
