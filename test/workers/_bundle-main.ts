/**
 * The entry point bundle.test.ts builds with esbuild the way build.ts does, then runs with
 * plain node: workers located through the registry, from .js only, without tsx.
 */
import { setWorkerLocation, type AbstractWorker } from "../../src/workers/index.ts";
import { registry } from "./demo-registry.ts";

const url = registry.url ?? "";
const exports = await registry.modules["demo.workers"]?.load();
const workers: AbstractWorker[] = [];
for (const exportName of ["DemoThread", "DemoProcess"]) {
  const WorkerClass = exports?.[exportName] as new (options: object) => AbstractWorker;
  setWorkerLocation(WorkerClass, { registryUrl: url, module: "demo.workers", exportName });
  workers.push(new WorkerClass({ name: exportName }));
}
for (const worker of workers) worker.start();
const results = await Promise.all(workers.map((worker) => worker.join({ timeoutMs: 10_000 })));
console.log(JSON.stringify({ registryUrl: url, results, contexts: workers.map((worker) => worker.context) }));
