/**
 * The entry point of a parse worker thread (parallel-facts.ts): told a batch of absolute file
 * paths, answers with the facts of each it could read and parse (files it could not are left
 * out, for the scan to read itself).
 */
import { parentPort } from "node:worker_threads";
import { type ParsedFacts, readParsedFacts } from "./parsed-facts.ts";

const port = parentPort;
port?.on("message", (paths: readonly string[]) => {
  const parsed: ParsedFacts[] = [];
  for (const path of paths) {
    const facts = readParsedFacts(path);
    if (facts !== undefined) parsed.push(facts);
  }
  port.postMessage(parsed);
});
