/**
 * `spoc worker [--app A] [--queue Q] [--concurrency N] [--stop-timeout MS] [--no-parent-check]`:
 * a consumer process for the project at `root`, loading its TypeScript (config/schema.ts and
 * generated/registry.ts) through tsx, then {@link runQueueWorkers} until SIGTERM or SIGINT.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, SpocError } from "../../errors.ts";
import { REGENERATE_COMMAND } from "../../regenerate-command.ts";
import type { Registry } from "../../registry.ts";
import type { Schema } from "../../schema.ts";
import { type RunningWorkers, runQueueWorkers } from "./run.ts";

export interface WorkerCommandOptions {
  readonly apps: readonly string[];
  readonly queues: readonly string[];
  readonly concurrency?: number;
  readonly stopTimeoutMs?: number;
  /**
   * Whether a consumer started under npm stops once the process that started it is gone
   * (`stopWhenOrphaned`). `false` for one an npm script starts in the background on purpose.
   * @default true
   */
  readonly parentCheck?: boolean;
  /** One line of progress or trouble. */
  readonly log: (line: string) => void;
}

/** Runs consumers until a signal stops them; resolves with the exit code (0 after a clean stop). */
export async function workerCommand(root: string, options: WorkerCommandOptions): Promise<number> {
  const schemaFile = join(root, "config", "schema.ts");
  const registryFile = join(root, "generated", "registry.ts");
  if (!existsSync(schemaFile)) {
    throw new SpocError(ErrorCode.ProjectFileMissing, `spoc worker needs ${schemaFile}, which does not exist`, {
      hint: "run spoc worker in the project root (the folder with config/schema.ts), or pass --root <dir>",
    });
  }
  if (!existsSync(registryFile)) {
    throw new SpocError(
      ErrorCode.ProjectFileMissing,
      `spoc worker needs ${registryFile}, which does not exist: the registry was never generated`,
      { hint: `run \`${REGENERATE_COMMAND}\` in the project root first` },
    );
  }
  let register: typeof import("tsx/esm/api").register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch (cause) {
    throw new SpocError(
      ErrorCode.MissingPeerDependency,
      "spoc worker loads the project's TypeScript with tsx, which is not installed",
      {
        hint: "install it (npm install -D tsx), or call runQueueWorkers() from spoc/workers in your own compiled entry",
        cause,
      },
    );
  }
  // Kept for the life of the process: the apps' modules are imported lazily, later.
  register();
  const schema = ((await import(pathToFileURL(schemaFile).href)) as { schema: Schema }).schema;
  const registry = ((await import(pathToFileURL(registryFile).href)) as { registry: Registry }).registry;
  const running = await runQueueWorkers({
    baseDir: root,
    schema,
    registry,
    apps: options.apps,
    queues: options.queues,
    log: options.log,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
  });
  if (options.parentCheck !== false && process.env["npm_command"] !== undefined) stopWhenOrphaned(running, options.log);
  const report = await running.stopped;
  options.log(
    report.drained
      ? "stopped: every job in flight finished"
      : `stopped: ${report.released} job(s) did not finish in time and were released for retry`,
  );
  // A released handler that ignores its signal must not keep the process alive: its job is
  // already back in the queue. The timer itself keeps nothing alive.
  if (!report.drained) setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}

/** How often a consumer started through npm looks whether its parent is still there. */
const PARENT_POLL_MS = 500;

/**
 * Stops `running` as on SIGTERM once the process that started it has exited. Through npx or
 * an npm script this process runs under npm's `sh -c`: a SIGTERM to npm kills that shell and
 * never reaches this process, which would go on taking jobs, orphaned. Only under npm
 * (`npm_command` set, which everything an npm script starts inherits), so `nohup spoc worker &`
 * still outlives its shell; `--no-parent-check` lets one an npm script backgrounds outlive it too.
 */
function stopWhenOrphaned(running: RunningWorkers, log: (line: string) => void): void {
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(poll);
    log(
      `the process that started spoc worker (pid ${parent}) is gone: taking no new job; waiting for ${running.consumer.inFlight} in flight`,
    );
    void running.stop().catch(() => {}); // reported through `stopped`
  }, PARENT_POLL_MS);
  poll.unref();
  const done = () => clearInterval(poll);
  running.stopped.then(done, done);
}
