/**
 * The entry point of a worker thread or process (and of the bundle's `spoc-worker.js`):
 * it imports the worker class from its location, constructs it again with the parent's
 * options, runs its lifecycle, and reports every event with the context to the parent.
 *
 * Importing this module does nothing unless it is such a thread (marked by `workerData`)
 * or process (marked by the `--spoc-worker` argument, with an IPC channel).
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { ErrorCode, WorkerError } from "../errors.ts";
import type { ModuleExports, Registry } from "../registry.ts";
import {
  IS_WORKER,
  PROCESS_FLAG,
  RUN_HERE,
  isEnvelope,
  serializeError,
  type ChildInit,
  type ChildMessage,
  type Envelope,
  type ParentMessage,
  type ProcessInit,
  type ThreadData,
} from "./_protocol.ts";
import { REGENERATE_COMMAND } from "../regenerate-command.ts";
import { describeLocation, type WorkerLocation } from "./location.ts";

interface RunnableWorker {
  stop(): void;
  [RUN_HERE](send: (message: ChildMessage) => Promise<void>): Promise<void>;
}

type Send = (message: ChildMessage) => Promise<void>;

/** Runs the worker described by `init`; returns once it has reported `shutdown`. */
async function runChild(init: ChildInit, send: Send, onStop: (stop: () => void) => void): Promise<void> {
  let stopRequested = false;
  onStop(() => (stopRequested = true));
  let worker: RunnableWorker;
  try {
    const WorkerClass = await importWorkerClass(init.location);
    worker = new WorkerClass({ ...init.options, name: init.name });
    (worker as unknown as { context: unknown }).context = init.context;
  } catch (error) {
    await send({ type: "event", event: "error", error: serializeError(error) });
    await send({ type: "event", event: "shutdown" });
    return;
  }
  const done = worker[RUN_HERE](send);
  // After RUN_HERE has marked the worker running, so that a stop sent early still counts.
  if (stopRequested) worker.stop();
  onStop(() => worker.stop());
  await done;
}

async function importWorkerClass(location: WorkerLocation): Promise<new (options: object) => RunnableWorker> {
  const where = describeLocation(location);
  let exports: ModuleExports;
  try {
    if ("registryUrl" in location) {
      const registry = findRegistry(
        (await import(/* webpackIgnore: true */ /* @vite-ignore */ location.registryUrl)) as ModuleExports,
        location.registryUrl,
      );
      const appModule = registry.modules[location.module];
      if (appModule === undefined) {
        throw new WorkerError(ErrorCode.WorkerNotLocatable, `the registry has no module "${location.module}"`, {
          hint: `run \`${REGENERATE_COMMAND}\` to regenerate the registry`,
        });
      }
      exports = await appModule.load();
    } else {
      exports = (await import(/* webpackIgnore: true */ /* @vite-ignore */ location.moduleUrl)) as ModuleExports;
    }
  } catch (error) {
    if (error instanceof WorkerError) throw error;
    throw new WorkerError(ErrorCode.WorkerNotLocatable, `cannot import worker ${where}: ${String(error)}`, {
      cause: error,
      hint: "fix the error importing the worker's module (it is the cause); the module must import without side effects that fail outside the main thread",
    });
  }
  const value = exports[location.exportName];
  const isWorkerClass =
    typeof value === "function" && (value.prototype as Record<symbol, unknown> | undefined)?.[IS_WORKER] === true;
  if (!isWorkerClass) {
    throw new WorkerError(ErrorCode.WorkerNotLocatable, `${where} is not an exported worker class`, {
      hint: `export a class extending ThreadWorker or ProcessWorker as "${location.exportName}"`,
    });
  }
  return value as new (
    options: object,
  ) => RunnableWorker;
}

/**
 * The registry exported by the module at `url`. In a bundle its export may be renamed
 * (a shared chunk), so any export that is a registry with this `url` will do.
 */
function findRegistry(exports: ModuleExports, url: string): Registry {
  const isRegistry = (value: unknown): value is Registry =>
    typeof value === "object" && value !== null && "modules" in value && "loadOrder" in value;
  if (isRegistry(exports["registry"])) return exports["registry"];
  const found = Object.values(exports).find((value) => isRegistry(value) && value.url === url);
  if (found === undefined) {
    throw new WorkerError(ErrorCode.WorkerNotLocatable, `${url} does not export a registry`, {
      hint: "pass Registry.url, the import.meta.url of the generated registry module",
    });
  }
  return found as Registry;
}

function runThread(data: ThreadData["spoc"]): void {
  const port = parentPort;
  if (port === null) return;
  const send: Send = (message) => {
    port.postMessage({ spoc: message } satisfies Envelope<ChildMessage>);
    return Promise.resolve();
  };
  let stop = (): void => {};
  port.on("message", (message: unknown) => {
    if (isEnvelope<ParentMessage>(message) && message.spoc.type === "stop") stop();
  });
  void runChild(data.init, send, (onStop) => (stop = onStop)).then(() => {
    // Ends the thread even if the worker left timers or sockets open; messages are delivered.
    process.exit(0);
  });
}

function runProcess(): void {
  // Ctrl-C signals the whole process group; the parent decides when its workers stop.
  process.on("SIGINT", () => {});
  // A SIGTERM to the whole group (a service manager, `kill -- -pgid`) stops the worker as its
  // parent would, so it still ends cleanly; a hung worker is killed by the parent's timeout.
  process.on("SIGTERM", () => stop());
  // A parent that dies, even by SIGKILL, closes the channel: never outlive it.
  process.on("disconnect", () => process.exit(1));
  const send: Send = (message) =>
    new Promise((resolve) => {
      process.send?.({ spoc: message } satisfies Envelope<ChildMessage>, undefined, undefined, () => resolve());
    });
  let stop = (): void => {};
  process.on("message", (message: unknown) => {
    if (!isEnvelope<ProcessInit | ParentMessage>(message)) return;
    if (message.spoc.type === "stop") stop();
    else if (message.spoc.type === "init") {
      void runChild(message.spoc.init, send, (onStop) => (stop = onStop)).then(() => process.exit(0));
    }
  });
}

if (!isMainThread && isEnvelope<ThreadData["spoc"]>(workerData)) {
  runThread(workerData.spoc);
} else if (process.send !== undefined && process.argv.includes(PROCESS_FLAG)) {
  runProcess();
}
