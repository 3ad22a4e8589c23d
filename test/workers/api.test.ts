import { expect, it } from "vitest";
import * as workers from "../../src/workers/index.ts";

it("spoc/workers exports exactly its public API", () => {
  expect(Object.keys(workers).sort()).toEqual([
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
  ]);
});
