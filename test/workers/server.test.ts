import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { Server } from "../../src/workers/index.ts";
import { CounterThread, SleepyProcess, SleepyThread, StubbornThread } from "./_workers.ts";

const signalListeners = (): number[] => [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];

function startup(worker: SleepyThread | StubbornThread | SleepyProcess): Promise<void> {
  return new Promise((resolve) => worker.on("startup", () => resolve()));
}

describe("Server", () => {
  it("installs signal handlers only from start() to stop()", async () => {
    const before = signalListeners();
    const server = new Server().addWorker(new SleepyThread());
    expect(signalListeners()).toEqual(before);
    server.start();
    expect(signalListeners()).toEqual(before.map((count) => count + 1));
    server.stop();
    expect(signalListeners()).toEqual(before);
    await server.joinAll();
  });

  it("joins with one shared budget and names the workers it had to terminate", async () => {
    const sleepy = new SleepyThread({ name: "sleepy" });
    const sleepyProcess = new SleepyProcess({ name: "sleepy-process" });
    const stubborn = new StubbornThread({ name: "stubborn" });
    const server = new Server().addWorker(sleepy).addWorker(stubborn).addWorker(sleepyProcess);
    server.start();
    await Promise.all([startup(sleepy), startup(stubborn), startup(sleepyProcess)]);
    server.stop();
    const { results, terminated } = await server.joinAll({ timeoutMs: 300 });
    expect(terminated).toEqual(["stubborn"]);
    expect(results.map(({ name, stopped, terminated }) => ({ name, stopped, terminated }))).toEqual([
      { name: "sleepy", stopped: true, terminated: false },
      { name: "stubborn", stopped: false, terminated: true },
      { name: "sleepy-process", stopped: true, terminated: false },
    ]);
    expect(sleepy.context.tornDown).toBe(true);
    expect(sleepyProcess.context.tornDown).toBe(true);
  });

  it("runForever() returns when stop() is called, with every worker joined", async () => {
    const worker = new SleepyThread({ name: "sleepy" });
    const server = new Server().addWorker(worker);
    const before = signalListeners();
    const running = server.runForever({ timeoutMs: 5_000 });
    expect(signalListeners()).toEqual(before.map((count) => count + 1));
    await startup(worker);
    server.stop();
    const { results, terminated } = await running;
    expect(terminated).toEqual([]);
    expect(results[0]).toMatchObject({ name: "sleepy", stopped: true });
    expect(signalListeners()).toEqual(before);
  });

  it("runForever() returns once every worker has ended on its own", async () => {
    const before = signalListeners();
    const worker = new CounterThread({ count: 3, context: { total: 0 } });
    const { results } = await new Server().addWorker(worker).runForever();
    expect(results[0]?.stopped).toBe(true);
    expect(worker.context.total).toBe(6);
    expect(signalListeners()).toEqual(before);
  });

  it("starts a worker added while running, and refuses one after stop()", async () => {
    const server = new Server();
    server.start();
    const late = new SleepyThread({ name: "late" });
    server.addWorker(late);
    expect(late.isRunning).toBe(true);
    server.stop();
    expect(() => server.addWorker(new SleepyThread())).toThrow(
      expect.objectContaining({ code: ErrorCode.WorkerState }),
    );
    const { results } = await server.joinAll({ timeoutMs: 5_000 });
    expect(results.map((result) => result.name)).toEqual(["late"]);
    expect(server.workers).toHaveLength(1);
  });

  it("cannot join before it starts", async () => {
    await expect(new Server().joinAll()).rejects.toMatchObject({ code: ErrorCode.WorkerState });
  });
});
