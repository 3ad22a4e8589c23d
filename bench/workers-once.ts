/**
 * One process, one worker: spawn a ThreadWorker or ProcessWorker that sleeps a 60 s
 * interval, time spawn → `startup` event, let it settle into `sleep()`, then time
 * `stop()` → `join()` resolved.
 *
 *   node --import tsx bench/workers-once.ts thread|process
 */
import { setTimeout as delay } from "node:timers/promises";
import { report } from "./_harness.ts";
import { SleepingProcess, SleepingThread } from "./_sleepers.ts";

const kind = process.argv[2];
if (kind !== "thread" && kind !== "process") throw new Error("usage: workers-once.ts thread|process");

const worker = kind === "thread" ? new SleepingThread() : new SleepingProcess();
const spawned = performance.now();
const startup = new Promise<number>((resolve) => worker.on("startup", () => resolve(performance.now())));
worker.start();
const startupMs = (await startup) - spawned;

await delay(200); // well inside the first 60 s sleep
const stopping = performance.now();
worker.stop();
const result = await worker.join({ timeoutMs: 10_000 });
const stopMs = performance.now() - stopping;

report({ startupMs, stopMs, stopped: result.stopped, terminated: result.terminated });
