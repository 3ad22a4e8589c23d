import { describe, expect, it } from "vitest";
import { ErrorCode, WorkerError } from "../../src/errors.ts";
import { getWorkerLocation, setWorkerLocation } from "../../src/workers/index.ts";
import { registry } from "./demo-registry.ts";
import { DemoProcess, DemoThread } from "./demo-workers.ts";

describe("a worker class located through the registry", () => {
  const url = registry.url ?? "";

  it.each([
    ["DemoThread", DemoThread, /^hello from greeter in a thread$/],
    ["DemoProcess", DemoProcess, /^hello from greeter in process \d+$/],
  ] as const)("%s is imported in its child from the registry's module", async (exportName, DemoWorker, greeting) => {
    setWorkerLocation(DemoWorker, { registryUrl: url, module: "demo.workers", exportName });
    expect(getWorkerLocation(DemoWorker)).toEqual({ registryUrl: url, module: "demo.workers", exportName });
    const worker = new DemoWorker({ name: "greeter" });
    worker.start();
    const result = await worker.join({ timeoutMs: 10_000 });
    expect(result).toMatchObject({ stopped: true, errors: [] });
    expect(worker.context.greeting).toMatch(greeting);
  });

  it("reports a registry module that does not exist as an error event", async () => {
    class Misplaced extends DemoThread {}
    setWorkerLocation(Misplaced, { registryUrl: url, module: "demo.nope", exportName: "DemoThread" });
    const worker = new Misplaced();
    const errors: Error[] = [];
    worker.on("error", (error) => errors.push(error));
    worker.start();
    const result = await worker.join();
    expect(result).toMatchObject({ stopped: true, terminated: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(WorkerError);
    expect(errors[0]).toMatchObject({
      code: ErrorCode.WorkerNotLocatable,
      message: 'the registry has no module "demo.nope"',
      hint: "run `npx spoc gen` to regenerate the registry",
    });
  });

  it("reports an export that is not a worker class", async () => {
    class Misnamed extends DemoThread {}
    setWorkerLocation(Misnamed, { registryUrl: url, module: "demo.workers", exportName: "Nothing" });
    const worker = new Misnamed();
    const errors: Error[] = [];
    worker.on("error", (error) => errors.push(error));
    worker.start();
    await worker.join();
    expect(errors[0]?.message).toMatch(
      /^demo\.workers#Nothing \(registry .*demo-registry\.ts\) is not an exported worker class$/,
    );
  });
});
