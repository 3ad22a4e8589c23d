/**
 * Workers that sleep a 60 s interval until stopped, for the stop-latency benchmark. Their
 * thread or process imports this module again to find the class.
 */
import { ProcessWorker, ThreadWorker, setWorkerLocation } from "../src/workers/index.ts";

const INTERVAL_MS = 60_000;

export class SleepingThread extends ThreadWorker {
  override async main(): Promise<void> {
    while (this.isRunning) await this.sleep(INTERVAL_MS);
  }
}

export class SleepingProcess extends ProcessWorker {
  override async main(): Promise<void> {
    while (this.isRunning) await this.sleep(INTERVAL_MS);
  }
}

setWorkerLocation(SleepingThread, { moduleUrl: import.meta.url, exportName: "SleepingThread" });
setWorkerLocation(SleepingProcess, { moduleUrl: import.meta.url, exportName: "SleepingProcess" });
