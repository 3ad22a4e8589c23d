/**
 * The consumer process: starts the application (its hooks open what the handlers need),
 * finds the installed apps' queue workers through the registry, and consumes their queues
 * until SIGTERM or SIGINT. What `spoc worker` runs; export it to run it from your own entry.
 */
import { ErrorCode, SpocError } from "../../errors.ts";
import { Framework, type FrameworkOptions } from "../../framework.ts";
import { REGENERATE_COMMAND } from "../../regenerate-command.ts";
import { jobsSettingsOf } from "./connection.ts";
import { QueueConsumer, type StopReport } from "./consumer.ts";
import { queueWorkersOf } from "./jobs.ts";
import { queueNameOf, type QueueWorkerClass } from "./queue-worker.ts";

export interface RunWorkersOptions extends FrameworkOptions {
  /** Only the queue workers of these apps. @default every installed app */
  readonly apps?: readonly string[];
  /** Only these queues (queue names or component keys). @default every queue */
  readonly queues?: readonly string[];
  /** Jobs of one queue handled at the same time. @default 1 */
  readonly concurrency?: number;
  /**
   * On SIGTERM/SIGINT, how long jobs in flight may run on before they are released for
   * retry.
   * @default 30_000
   */
  readonly stopTimeoutMs?: number;
  /**
   * Stop on SIGTERM and SIGINT.
   * @default true
   */
  readonly handleSignals?: boolean;
  /** @default console.error */
  readonly log?: (line: string) => void;
}

/** A running consumer process. */
export interface RunningWorkers {
  readonly framework: Framework;
  readonly consumer: QueueConsumer;
  /** Stops the consumer, then shuts the application down. Later calls wait for the first. */
  stop(): Promise<StopReport>;
  /** Settles once stopped (by `stop()` or a signal); rejects when a shutdown hook failed. */
  readonly stopped: Promise<StopReport>;
}

/**
 * Starts consuming the queues of the installed apps' queue workers.
 * @throws SpocError `NoQueueWorkers` when the filters leave nothing to consume,
 *   `JobsNotConfigured` without `settings.jobs`, `DatabaseUnreachable` naming host and port.
 */
export async function runQueueWorkers(options: RunWorkersOptions): Promise<RunningWorkers> {
  const log = options.log ?? ((line: string) => console.error(line));
  const framework = await Framework.start(options);
  let consumer: QueueConsumer;
  try {
    const jobs = jobsSettingsOf(framework.config.settings);
    const workers = selectWorkers(queueWorkersOf(framework.components), options);
    consumer = await QueueConsumer.start({
      jobs,
      workers,
      settings: framework.config.settings,
      log,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
    });
  } catch (error) {
    await framework.shutdown().catch(() => {});
    throw error;
  }
  const started = consumer;
  let stopping: Promise<StopReport> | undefined;
  let announce: (report: StopReport) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const stopped = new Promise<StopReport>((resolve, reject) => {
    announce = resolve;
    fail = reject;
  });
  stopped.catch(() => {}); // `stop()` rejects too: not awaiting this one is no unhandled rejection
  const stop = (): Promise<StopReport> => {
    stopping ??= (async () => {
      const report = await started.stop();
      try {
        await framework.shutdown();
      } catch (error) {
        // Whoever waits for the stop learns that a shutdown hook failed.
        fail(error);
        throw error;
      }
      announce(report);
      return report;
    })();
    return stopping;
  };
  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      log(`${signal}: taking no new job; waiting for ${started.inFlight} in flight`);
      void stop()
        .catch(() => {}) // reported through `stopped`
        .finally(() => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
        });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }
  log(`consuming ${started.queues.join(", ")}`);
  return { framework: framework as Framework, consumer: started, stop, stopped };
}

function selectWorkers(
  all: ReadonlyMap<string, QueueWorkerClass>,
  options: Pick<RunWorkersOptions, "apps" | "queues">,
): Map<string, QueueWorkerClass> {
  const apps = options.apps?.length ? new Set(options.apps) : undefined;
  const queues = options.queues?.length ? new Set(options.queues) : undefined;
  const chosen = new Map<string, QueueWorkerClass>();
  for (const [key, worker] of all) {
    if (apps && !apps.has(key.slice(0, key.indexOf(".")))) continue;
    if (queues && !queues.has(key) && !queues.has(queueNameOf(worker, key))) continue;
    chosen.set(key, worker);
  }
  if (chosen.size === 0) {
    const known = [...all.keys()].join(", ") || "none";
    const filter = [apps ? `--app ${[...apps].join(",")}` : "", queues ? `--queue ${[...queues].join(",")}` : ""]
      .filter(Boolean)
      .join(" ");
    throw new SpocError(
      ErrorCode.NoQueueWorkers,
      `no queue worker to consume${filter ? ` for ${filter}` : ""}; the installed apps' queue workers: ${known}`,
      {
        hint: `declare one in an app's workers module (\`@worker export class X extends queueWorker({ … })\`) and run \`${REGENERATE_COMMAND}\`, or fix the filter`,
      },
    );
  }
  return chosen;
}
