/**
 * Cache files written at once from several threads of one process (parallel builds, a test
 * runner's threads) each land whole: every write succeeds, and the file reads back as one of
 * the records written, never a mix or a missing file.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { build } from "esbuild";
import { afterAll, expect, it } from "vitest";
import { readCacheFile } from "../../src/codegen/_cache-file.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const HEADER = { magic: "spoc-test", format: 1, version: "test" };
const THREADS = 4;
const WRITES = 200;

/** Starts a thread that writes `WRITES` records to `file` with the module at `moduleFile`; resolves to how many failed. */
function writer(moduleFile: string, file: string, thread: number): Promise<number> {
  const script = `
    const { workerData, parentPort } = require("node:worker_threads");
    import(workerData.module).then(({ writeCacheFile }) => {
      let failed = 0;
      for (let i = 0; i < workerData.writes; i++) {
        const record = { ...workerData.header, thread: workerData.thread, i, payload: "x".repeat(4096 * (1 + (i % 4))) };
        if (!writeCacheFile(workerData.file, record)) failed++;
      }
      parentPort.postMessage(failed);
    });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, {
      eval: true,
      workerData: { module: pathToFileURL(moduleFile).href, file, thread, writes: WRITES, header: HEADER },
    });
    worker.once("message", (failed: number) => {
      void worker.terminate();
      resolve(failed);
    });
    worker.once("error", reject);
  });
}

it("lands every write whole when several threads write one cache file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spoc-cache-file-"));
  dirs.push(dir);
  // The module as JavaScript, for threads that load no TypeScript.
  const moduleFile = join(dir, "cache-file.mjs");
  const bundled = await build({
    entryPoints: [new URL("../../src/codegen/_cache-file.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
  });
  await writeFile(moduleFile, bundled.outputFiles[0]!.text);
  const file = join(dir, "node_modules", ".cache", "spoc", "test.bin");
  const failed = await Promise.all(Array.from({ length: THREADS }, (_, thread) => writer(moduleFile, file, thread)));
  expect(failed).toEqual(Array.from({ length: THREADS }, () => 0));
  const stored = readCacheFile<typeof HEADER & { thread: number; i: number; payload: string }>(file, HEADER);
  expect(stored?.i).toBe(WRITES - 1);
  expect(stored?.payload).toHaveLength(4096 * (1 + ((WRITES - 1) % 4)));
});
