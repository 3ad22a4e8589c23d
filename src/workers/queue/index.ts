export {
  QueueWorker,
  isQueueWorkerClass,
  queueWorker,
  type Job,
  type PayloadOfWorker,
  type QueueDefinition,
  type QueueOptions,
  type QueueWorkerClass,
  type QueueWorkerContext,
  type Schedule,
} from "./queue-worker.ts";
export type {
  EmptyPayload,
  PayloadIssue,
  PayloadResult,
  PayloadSchema,
} from "./payload.ts";
export type { JobsSettings, PgConnectionOptions } from "./connection.ts";
export {
  JobQueue,
  queueWorkersOf,
  type JobKey,
  type JobPayload,
  type KyselyExecutor,
  type SendOptions,
  type SqlExecutor,
} from "./jobs.ts";
export { QueueConsumer, type ConsumerOptions, type StopReport } from "./consumer.ts";
export { runQueueWorkers, type RunWorkersOptions, type RunningWorkers } from "./run.ts";
