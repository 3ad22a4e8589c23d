/** The hash a file's content is known by in spoc's caches on disk. */
import { createHash } from "node:crypto";

let last: { readonly text: string; readonly hash: string } | undefined;

/**
 * SHA-1 of `text`, base64. A run asks twice for the text it just read (the scan's cache and
 * the check's), so the last answer is kept.
 */
export function contentHash(text: string): string {
  if (last?.text !== text) last = { text, hash: createHash("sha1").update(text).digest("base64") };
  return last.hash;
}
