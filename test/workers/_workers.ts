/** Worker classes the workers tests run in real threads and processes. */
import { ProcessWorker, ThreadWorker, setWorkerLocation, type WorkerEvent } from "../../src/workers/index.ts";

interface Progress extends Record<string, unknown> {
  setup?: boolean;
  ticks?: number;
  tornDown?: boolean;
  seen?: string[];
}

/** Sleeps a long interval in main until stopped; records each step in its context. */
export class SleepyThread extends ThreadWorker<Progress> {
  override setup(): void {
    this.context.setup = true;
  }
  override async main(): Promise<void> {
    while (this.isRunning) {
      this.context.ticks = (this.context.ticks ?? 0) + 1;
      await this.sleep(60_000);
    }
  }
  override async teardown(): Promise<void> {
    await Promise.resolve();
    this.context.tornDown = true;
    console.log(`teardown ${this.name}`);
  }
  override lifecycle(event: WorkerEvent): void {
    (this.context.seen ??= []).push(event);
  }
}

export class SleepyProcess extends ProcessWorker<Progress> {
  override setup(): void {
    this.context.setup = true;
  }
  override async main(): Promise<void> {
    while (this.isRunning) {
      this.context.ticks = (this.context.ticks ?? 0) + 1;
      await this.sleep(60_000);
    }
  }
  override teardown(): void {
    this.context.tornDown = true;
    console.log(`teardown ${this.name}`);
  }
  override lifecycle(event: WorkerEvent): void {
    (this.context.seen ??= []).push(event);
  }
}

/** Counts to `options.count`, then returns: its context says how far it got. */
export class CounterThread extends ThreadWorker<{ total: number; pid?: number; threadOptions?: unknown }> {
  override main(): void {
    const count = this.options["count"] as number;
    for (let i = 1; i <= count; i++) this.context.total += i;
    this.context.threadOptions = { name: this.name, count };
  }
}

export class CounterProcess extends ProcessWorker<{ total: number; pid?: number }> {
  override main(): void {
    const count = this.options["count"] as number;
    for (let i = 1; i <= count; i++) this.context.total += i;
    this.context.pid = process.pid;
  }
}

/** Fails where `options.failIn` says; records that teardown still ran. */
export class FailingThread extends ThreadWorker<{ ran: string[] }> {
  override setup(): void {
    this.#step("setup");
  }
  override main(): void {
    this.#step("main");
  }
  override teardown(): void {
    this.#step("teardown");
  }
  override lifecycle(): void {}
  #step(step: string): void {
    this.context.ran.push(step);
    if (this.options["failIn"] === step) throw new Error(`${step} failed on purpose`);
  }
}

export class FailingProcess extends ProcessWorker<{ ran: string[] }> {
  override main(): void {
    this.context.ran.push("main");
    throw new TypeError("main failed in a process");
  }
  override teardown(): void {
    this.context.ran.push("teardown");
  }
  override lifecycle(): void {}
}

/** Ends its thread or process abruptly, outside the lifecycle, as `options.how` says. */
export class CrashingThread extends ThreadWorker {
  override main(): Promise<void> {
    return crash(this.options["how"]);
  }
}

export class CrashingProcess extends ProcessWorker {
  override main(): Promise<void> {
    return crash(this.options["how"]);
  }
}

function crash(how: unknown): Promise<void> {
  if (how === "exit") process.exit(3);
  return new Promise(() => {
    setTimeout(() => {
      throw new Error("boom outside the lifecycle");
    }, 10);
  });
}

/** Ignores stop(): only a join timeout ends it. */
export class StubbornThread extends ThreadWorker {
  override main(): Promise<void> {
    return new Promise(() => setInterval(() => {}, 1_000));
  }
}

export class StubbornProcess extends ProcessWorker {
  override main(): Promise<void> {
    return new Promise(() => setInterval(() => {}, 1_000));
  }
}

/** Leaves something in its context that cannot travel back to the parent. */
export class LeakyThread extends ThreadWorker<{ kept?: number; callback?: () => void }> {
  override main(): void {
    this.context.kept = 1;
    this.context.callback = () => {};
  }
  override lifecycle(): void {}
}

/** Declared but never given a location. */
export class UnlocatedThread extends ThreadWorker {
  override main(): void {}
}

for (const [exportName, workerClass] of Object.entries({
  SleepyThread,
  SleepyProcess,
  CounterThread,
  CounterProcess,
  FailingThread,
  FailingProcess,
  CrashingThread,
  CrashingProcess,
  StubbornThread,
  StubbornProcess,
  LeakyThread,
})) {
  setWorkerLocation(workerClass, { moduleUrl: import.meta.url, exportName });
}
