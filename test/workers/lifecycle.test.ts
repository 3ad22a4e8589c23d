import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import type { AbstractWorker, WorkerEvent } from "../../src/workers/index.ts";
import {
  CounterProcess,
  CounterThread,
  FailingProcess,
  FailingThread,
  LeakyThread,
  SleepyProcess,
  SleepyThread,
  UnlocatedThread,
} from "./_workers.ts";

/** Records the parent-side events of a worker, in order. */
function recordEvents(worker: AbstractWorker): { events: WorkerEvent[]; errors: Error[]; started: Promise<void> } {
  const events: WorkerEvent[] = [];
  const errors: Error[] = [];
  let resolveStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (resolveStarted = resolve));
  worker.on("startup", () => {
    events.push("startup");
    resolveStarted();
  });
  worker.on("error", (error) => {
    events.push("error");
    errors.push(error);
  });
  worker.on("shutdown", () => events.push("shutdown"));
  return { events, errors, started };
}

describe.each([
  ["ThreadWorker", SleepyThread],
  ["ProcessWorker", SleepyProcess],
] as const)("%s", (_kind, Sleepy) => {
  it("stops at once while main sleeps a long interval, and its context comes back", async () => {
    const worker = new Sleepy({ name: "sleepy", context: { ticks: 0 } });
    const { events, started } = recordEvents(worker);
    worker.start();
    expect(worker.isRunning).toBe(true);
    await started;
    const stoppedAt = performance.now();
    worker.stop();
    expect(worker.isRunning).toBe(false);
    const result = await worker.join({ timeoutMs: 10_000 });
    expect(performance.now() - stoppedAt).toBeLessThan(1_000);
    expect(result).toMatchObject({ name: "sleepy", stopped: true, terminated: false, exitCode: 0, errors: [] });
    expect(events).toEqual(["startup", "shutdown"]);
    expect(worker.context).toEqual({
      ticks: 1,
      setup: true,
      tornDown: true,
      seen: ["startup", "shutdown"],
    });
  });

  it("refuses to start twice", async () => {
    const worker = new Sleepy();
    worker.start();
    expect(() => worker.start()).toThrow(expect.objectContaining({ code: ErrorCode.WorkerState }));
    worker.stop();
    await worker.join();
  });
});

describe("context and options", () => {
  it("runs a thread worker with its options and brings its final context home", async () => {
    const worker = new CounterThread({ count: 4, context: { total: 100 } });
    expect(worker.name).toBe("CounterThread");
    worker.start();
    const result = await worker.join();
    expect(result.stopped).toBe(true);
    expect(worker.context).toEqual({ total: 110, threadOptions: { name: "CounterThread", count: 4 } });
  });

  it("brings a process worker's context home, from another process", async () => {
    const worker = new CounterProcess({ count: 3, context: { total: 0 } });
    worker.start();
    await worker.join();
    expect(worker.context.total).toBe(6);
    expect(worker.context.pid).toBeTypeOf("number");
    expect(worker.context.pid).not.toBe(process.pid);
  });

  it("starts the child from the context as it is at start()", async () => {
    const worker = new CounterThread({ count: 1, context: { total: 0 } });
    worker.context.total = 41;
    worker.start();
    await worker.join();
    expect(worker.context.total).toBe(42);
  });

  it("reports a context value that cannot come back, and brings the rest", async () => {
    const worker = new LeakyThread();
    const { events, errors } = recordEvents(worker);
    worker.start();
    await worker.join();
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]).toMatchObject({
      code: ErrorCode.WorkerNotSerializable,
      message: 'worker "LeakyThread": context "callback" cannot be sent back to the parent',
    });
    expect(worker.context).toEqual({ kept: 1 });
  });

  it("names the option that cannot be sent to a child", () => {
    const make = (): unknown => new CounterThread({ count: 1, context: { total: 0 }, onDone: () => {} });
    expect(make).toThrow(expect.objectContaining({ code: ErrorCode.WorkerNotSerializable }));
    expect(make).toThrow(/option "onDone"/);
    expect(() => new CounterThread({ smtp: { client: new Map([["a", new URL("http://x")]]) } })).toThrow(
      /option "smtp\.client\.get\(a\)"/,
    );
    expect(make).toThrow(expect.objectContaining({ hint: expect.stringMatching(/structured-clone-able/) }));
  });

  it("says how to make a worker class locatable", () => {
    const worker = new UnlocatedThread();
    expect(() => worker.start()).toThrow(expect.objectContaining({ code: ErrorCode.WorkerNotLocatable }));
    expect(() => worker.start()).toThrow(
      expect.objectContaining({
        hint: expect.stringContaining(
          'setWorkerLocation(UnlocatedThread, { moduleUrl: import.meta.url, exportName: "UnlocatedThread" })',
        ),
      }),
    );
  });

  it("cannot be joined before it starts", async () => {
    await expect(new CounterThread({ count: 1 }).join()).rejects.toMatchObject({ code: ErrorCode.WorkerState });
  });
});

describe("errors in the lifecycle", () => {
  it.each(["setup", "main"])("emits error for a failure in %s, then still tears down and shuts down", async (step) => {
    const worker = new FailingThread({ failIn: step, context: { ran: [] } });
    const { events, errors } = recordEvents(worker);
    worker.start();
    const result = await worker.join({ timeoutMs: 10_000 });
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]?.message).toBe(`${step} failed on purpose`);
    expect(result.errors).toEqual(errors);
    expect(result.stopped).toBe(true);
    expect(worker.context.ran).toEqual(step === "setup" ? ["setup", "teardown"] : ["setup", "main", "teardown"]);
  });

  it("reports an error in teardown and still emits shutdown", async () => {
    const worker = new FailingThread({ failIn: "teardown", context: { ran: [] } });
    const { events, errors } = recordEvents(worker);
    worker.start();
    await worker.join();
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]?.message).toBe("teardown failed on purpose");
  });

  it("brings a process worker's exception home with its name and stack", async () => {
    const worker = new FailingProcess({ context: { ran: [] } });
    const { events, errors } = recordEvents(worker);
    worker.start();
    await worker.join();
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]).toMatchObject({ name: "TypeError", message: "main failed in a process" });
    expect(errors[0]?.stack).toContain("_workers.ts");
    expect(worker.context.ran).toEqual(["main", "teardown"]);
  });
});
