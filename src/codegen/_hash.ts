/** The hash a file's content is known by in spoc's caches on disk. */
import { createHash } from "node:crypto";

/** SHA-1 of `text`, base64. */
export function contentHash(text: string): string {
  return createHash("sha1").update(text).digest("base64");
}
