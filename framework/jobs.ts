/**
 * How services reach the job queue (`framework.jobs`, PostgreSQL only): the app provides it
 * once started, the way the services hook provides services to views. A service sends in its
 * own transaction (`{ db: trx }`), so a job exists if and only if what it is about does.
 */
import type { JobQueue } from "spoc/workers";

/** What services use of `framework.jobs`: typed `send`, keys and payloads from the registry. */
export type Jobs = Pick<JobQueue, "send">;

let provided: Jobs | undefined;

/** Makes `jobs` (usually `framework.jobs`) the queue services send to; `undefined` forgets it. */
export function provideJobs(jobs: Jobs | undefined): void {
  provided = jobs;
}

/**
 * The job queue provided by the app.
 * @throws Error when none was: the app did not start, or does not run on PostgreSQL.
 */
export function jobs(): Jobs {
  if (provided === undefined) {
    throw new Error(
      "no job queue: start the app with Framework.start() and provideJobs(framework.jobs) (main.ts does), " +
        "or pass `jobs` to the service; queue jobs need DB_ENGINE=postgres",
    );
  }
  return provided;
}
