/**
 * One file read and parsed for its facts, ahead of the scan (parallel-facts.ts), on the main
 * thread or in a parse worker: with the hash of the content parsed, so the scan uses the facts
 * only for a file it reads with that same content.
 */
import { readFileSync } from "node:fs";
import { contentHash } from "../_hash.ts";
import { factsOfText, type FileFacts } from "./file-facts.ts";

/** A file's facts and the hash of the text they were read from. */
export interface ParsedFacts {
  readonly path: string;
  readonly hash: string;
  readonly facts: FileFacts;
}

/**
 * The facts of the file at `path`, or `undefined` when it cannot be read or parsed here: the
 * scan then reads it itself, and reports what goes wrong as it always has.
 */
export function readParsedFacts(path: string): ParsedFacts | undefined {
  try {
    const text = readFileSync(path, "utf8");
    return { path, hash: contentHash(text), facts: factsOfText(path, text) };
  } catch {
    return undefined;
  }
}
