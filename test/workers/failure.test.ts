import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import type { AbstractWorker } from "../../src/workers/index.ts";
import { CrashingProcess, CrashingThread, SleepyProcess, StubbornProcess, StubbornThread } from "./_workers.ts";

function collect(worker: AbstractWorker): { events: string[]; errors: Error[] } {
  const events: string[] = [];
  const errors: Error[] = [];
  worker.on("startup", () => events.push("startup"));
  worker.on("error", (error) => {
    events.push("error");
    errors.push(error);
  });
  worker.on("shutdown", () => events.push("shutdown"));
  return { events, errors };
}

function started(worker: AbstractWorker): Promise<void> {
  return new Promise((resolve) => worker.on("startup", () => resolve()));
}

describe("a child that ends on its own is reported, not waited for", () => {
  it.each([
    ["thread", "exit", CrashingThread, /exit code 3/],
    ["process", "exit", CrashingProcess, /exit code 3/],
    ["thread", "throw", CrashingThread, /exit code 1\): boom outside the lifecycle/],
    ["process", "throw", CrashingProcess, /exit code 1/],
  ] as const)("%s that crashes by %s", async (_kind, how, Crashing, message) => {
    const worker = new Crashing({ how, name: `crash-${how}` });
    const { events, errors } = collect(worker);
    worker.start();
    const result = await worker.join();
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]).toMatchObject({ code: ErrorCode.WorkerFailed });
    expect(errors[0]?.message).toContain(`worker "crash-${how}" ended without shutting down`);
    expect(errors[0]?.message).toMatch(message);
    expect(result).toMatchObject({ stopped: false, terminated: false });
    expect(worker.isRunning).toBe(false);
  });

  it("process killed from outside", async () => {
    const worker = new SleepyProcess({ name: "victim" });
    const { events, errors } = collect(worker);
    worker.start();
    await started(worker);
    process.kill(worker.pid ?? 0, "SIGKILL");
    const result = await worker.join();
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]?.message).toBe('worker "victim" ended without shutting down (signal SIGKILL)');
    expect(result).toMatchObject({ stopped: false, terminated: false, signal: "SIGKILL" });
  });
});

describe("join({ timeoutMs }) ends a worker that does not stop", () => {
  it.each([
    ["thread", StubbornThread],
    ["process", StubbornProcess],
  ] as const)("%s", async (_kind, Stubborn) => {
    const worker = new Stubborn({ name: "stubborn" });
    const { events, errors } = collect(worker);
    worker.start();
    await started(worker);
    worker.stop();
    const result = await worker.join({ timeoutMs: 200 });
    expect(result).toMatchObject({ name: "stubborn", stopped: false, terminated: true });
    expect(events).toEqual(["startup", "error", "shutdown"]);
    expect(errors[0]).toMatchObject({ code: ErrorCode.WorkerTimeout });
    expect(errors[0]?.message).toMatch(/^worker "stubborn" did not stop within 200 ms of join and was terminated/);
    expect(result.errors).toEqual(errors);
  });
});
