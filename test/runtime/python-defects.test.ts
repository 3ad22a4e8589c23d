/**
 * DESIGN.md lists defects of the Python original not to copy. Each test here names one and
 * shows ours does it right; several are covered in more depth elsewhere (noted per test).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { Framework, type AnyComponentMap } from "../../src/framework.ts";
import type { Registry } from "../../src/registry.ts";
import { defineSchema, schemaFingerprint, type LoadedModule } from "../../src/schema.ts";
import { CounterProcess, SleepyThread } from "../workers/_workers.ts";

let baseDir: string;
beforeEach(() => {
  baseDir = mkdtempSync(join(tmpdir(), "spoc-defects-"));
  mkdirSync(join(baseDir, "config"));
  writeFileSync(join(baseDir, "config/spoc.toml"), '[spoc.apps]\nproduction = ["zeta", "alpha", "mid"]\n');
});
afterEach(() => rmSync(baseDir, { recursive: true, force: true }));

class Account {}
const schema = defineSchema({ modules: ["models"] });
const registry: Registry = {
  fingerprint: schemaFingerprint(schema),
  apps: ["zeta", "alpha", "mid"].map((name) => ({ name, modes: ["development", "production", "staging"] })),
  modules: Object.fromEntries(
    ["zeta", "alpha", "mid"].map((app) => [
      `${app}.models`,
      { app, module: "models", file: `apps/${app}/models.ts`, load: async () => (app === "alpha" ? { Account } : {}) },
    ]),
  ),
  components: [
    {
      kind: "model",
      key: "alpha.Account",
      module: "alpha.models",
      exportName: "Account",
      file: "apps/alpha/models.ts",
      line: 1,
    },
  ],
  loadOrder: ["zeta.models", "alpha.models", "mid.models"],
};
const start = (s = schema) => Framework.start<AnyComponentMap>({ baseDir, schema: s, registry, onWarning: () => {} });

describe("defects of the Python original that spoc does not copy", () => {
  it("hooks receive the loaded module, not a set", async () => {
    const received: unknown[] = [];
    const framework = await start(
      defineSchema({ modules: ["models"], hooks: { models: { startup: (m) => void received.push(m) } } }),
    );
    expect(received).toHaveLength(3);
    expect(received[1]).toMatchObject({ name: "alpha.models", app: "alpha", module: "models" });
    expect((received[1] as LoadedModule).components).toEqual({ "alpha.Account": Account });
    await framework.shutdown();
  });

  it("a startup-only hook does not crash at shutdown", async () => {
    const framework = await start(defineSchema({ modules: ["models"], hooks: { models: { startup: () => {} } } }));
    await expect(framework.shutdown()).resolves.toBeUndefined();
  });

  it("components are registered without any hook firing", async () => {
    const framework = await start();
    expect(framework.getComponent("models", "alpha.Account")).toBe(Account);
    await framework.shutdown();
  });

  it("independent modules start in one documented order, every time (see graph.test.ts)", async () => {
    for (let run = 0; run < 3; run++) {
      const framework = await start();
      expect(framework.modules.map((m) => m.name)).toEqual(["zeta.models", "alpha.models", "mid.models"]);
      await framework.shutdown();
    }
  });

  it("settings and installed apps keep their declared order, never a hash order", async () => {
    const settings = { installedApps: ["mid", "zeta"] };
    const first = await loadConfig({ baseDir, loadSettings: async () => settings });
    const second = await loadConfig({ baseDir, loadSettings: async () => settings });
    expect(first.installedApps).toEqual(["mid", "zeta", "alpha"]);
    expect(second.installedApps).toEqual(first.installedApps);
  });

  it("a stopped worker does not sleep out its interval (see test/workers/lifecycle.test.ts)", async () => {
    const worker = new SleepyThread({ name: "sleepy" });
    worker.start();
    await new Promise<void>((resolve) => worker.on("startup", () => resolve()));
    const stopped = performance.now();
    worker.stop();
    const result = await worker.join({ timeoutMs: 10_000 });
    expect(result.terminated).toBe(false);
    expect(performance.now() - stopped).toBeLessThan(1_000);
  });

  it("a process worker's state comes back to the parent", async () => {
    const worker = new CounterProcess({ name: "counter", context: { total: 0 }, count: 10 });
    worker.start();
    await worker.join({ timeoutMs: 10_000 });
    expect(worker.context.total).toBe(55);
  });
});
