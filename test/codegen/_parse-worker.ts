/** Talking to a parse worker (src/codegen/scan/parse-worker.ts) as the scan does, for the tests of its bundled and shipped copies. */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** What a parse worker started from the JavaScript file `file` answers for `paths`. */
export function askParseWorker(file: string, paths: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(pathToFileURL(file));
    worker.once("message", (answer: unknown) => {
      void worker.terminate();
      resolve(answer);
    });
    worker.once("error", reject);
    worker.postMessage(paths);
  });
}
