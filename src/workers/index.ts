export {
  AbstractWorker,
  type JoinOptions,
  type WorkerContext,
  type WorkerEvents,
  type WorkerListener,
  type WorkerOptions,
} from "./abstract-worker.ts";
export type { JoinResult, WorkerEvent } from "./results.ts";
export { ThreadWorker } from "./thread-worker.ts";
export { ProcessWorker } from "./process-worker.ts";
export { Server, type ServerJoinResult, type RunForeverOptions } from "./server.ts";
export {
  getWorkerLocation,
  setWorkerLocation,
  type ModuleWorkerLocation,
  type RegistryWorkerLocation,
  type WorkerLocation,
} from "./location.ts";
export * from "./queue/index.ts";
