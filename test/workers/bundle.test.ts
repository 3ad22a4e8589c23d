import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
let outdir = "";

afterAll(async () => {
  if (outdir !== "") await rm(outdir, { recursive: true, force: true });
});

describe("workers from an esbuild bundle", () => {
  it("start their thread and process from dist/spoc-worker.js and find the class through the registry", async () => {
    outdir = await mkdtemp(join(tmpdir(), "spoc-bundle-"));
    // The contract of src/workers/_entry.ts: child.ts as the entry "spoc-worker", the
    // registry as an entry of its own, one ESM build with splitting, chunks at the root.
    await build({
      entryPoints: {
        main: here("./_bundle-main.ts"),
        registry: here("./demo-registry.ts"),
        "spoc-worker": here("../../src/workers/child.ts"),
      },
      outdir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "silent",
    });
    expect((await readdir(outdir)).filter((file) => file.endsWith(".ts"))).toEqual([]);
    const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, "main.js")], { timeout: 20_000 });
    const { registryUrl, results, contexts } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as {
      registryUrl: string;
      results: { stopped: boolean; errors: unknown[] }[];
      contexts: { greeting?: string }[];
    };
    expect(registryUrl.endsWith(".js")).toBe(true);
    expect(results.map(({ stopped, errors }) => ({ stopped, errors }))).toEqual([
      { stopped: true, errors: [] },
      { stopped: true, errors: [] },
    ]);
    expect(contexts[0]?.greeting).toBe("hello from DemoThread in a thread");
    expect(contexts[1]?.greeting).toMatch(/^hello from DemoProcess in process \d+$/);
  });
});
