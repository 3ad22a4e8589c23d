import { Worker } from "node:worker_threads";
import { childEntry } from "./_entry.ts";
import type { ChildCallbacks, ChildHandle } from "./_host.ts";
import {
  isEnvelope,
  type ChildInit,
  type ChildMessage,
  type Envelope,
  type ParentMessage,
  type ThreadData,
} from "./_protocol.ts";
import { AbstractWorker, type WorkerContext } from "./abstract-worker.ts";

// Evaluated as CommonJS in the new thread: registers tsx when TypeScript must load, then
// imports the child entry, which reads `workerData`.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
(async () => {
  const { entry, tsxApiUrl } = workerData.spoc;
  if (tsxApiUrl !== undefined) (await import(tsxApiUrl)).register();
  await import(entry);
})();
`;

/**
 * A worker whose `setup`, `main` and `teardown` run in a `worker_threads` thread. The
 * thread shares the process, so it ends with it; its console output reaches the parent's.
 */
export abstract class ThreadWorker<Context extends WorkerContext = WorkerContext> extends AbstractWorker<Context> {
  protected override spawnChild(init: ChildInit, callbacks: ChildCallbacks): ChildHandle {
    const entry = childEntry(init.location);
    const workerData: ThreadData = {
      spoc: { init, entry: entry.url, ...(entry.tsxApiUrl === undefined ? {} : { tsxApiUrl: entry.tsxApiUrl }) },
    };
    const thread = new Worker(BOOTSTRAP, { eval: true, workerData });
    thread.on("message", (message: unknown) => {
      if (isEnvelope<ChildMessage>(message)) callbacks.onMessage(message.spoc);
    });
    thread.on("error", (error) => callbacks.onCrash(error));
    thread.on("exit", (code) => callbacks.onExit({ code, signal: null }));
    return {
      send: (message) => thread.postMessage({ spoc: message } satisfies Envelope<ParentMessage>),
      terminate: () => void thread.terminate(),
    };
  }
}
