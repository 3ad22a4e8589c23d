/**
 * One file read and parsed for its facts, ahead of the scan (parallel-facts.ts), on the main
 * thread or in a parse worker: with the file's stat taken before the read, so the scan uses
 * the facts only for a file whose stat is still that one (unchanged since), without reading it
 * again, and the content's hash, which the caches record.
 */
import { readFileSync } from "node:fs";
import { contentHash } from "../_hash.ts";
import { type FileStat, statFile } from "../file-stat.ts";
import { factsOfText, type FileFacts } from "./file-facts.ts";

/** A file's facts, the hash of the text they were read from, and the file's stat before that read. */
export interface ParsedFacts {
  readonly path: string;
  readonly stat: FileStat;
  readonly hash: string;
  readonly facts: FileFacts;
}

/**
 * The facts of the file at `path`, or `undefined` when it cannot be read or parsed here: the
 * scan then reads it itself, and reports what goes wrong as it always has.
 */
export function readParsedFacts(path: string): ParsedFacts | undefined {
  try {
    const stat = statFile(path);
    if (stat === undefined) return undefined;
    const text = readFileSync(path, "utf8");
    return { path, stat, hash: contentHash(text), facts: factsOfText(path, text) };
  } catch {
    return undefined;
  }
}
