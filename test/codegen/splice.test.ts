/**
 * A watch session's renders splice the changed parts into the previous text and bytes; both
 * must always equal the parts joined (and encoded) from scratch.
 */
import { describe, expect, it } from "vitest";
import { splice, splicedBytes, type Rendered } from "../../src/codegen/incremental.ts";

/** A deterministic pseudo-random generator (xorshift). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("splice", () => {
  it("equals join and its UTF-8 bytes for random edits", () => {
    const next = random(42);
    const words = ["a", "bb", "ccc\nd", "", "—", "é\nx", "line"];
    const pick = (): string => words[Math.floor(next() * words.length)] as string;
    let reused = 0;
    for (let session = 0; session < 50; session++) {
      let parts = Array.from({ length: Math.floor(next() * 6) }, pick);
      let rendered: Rendered = splice(undefined, parts).rendered;
      let bytes: Buffer = Buffer.from(rendered.text, "utf8");
      for (let edit = 0; edit < 30; edit++) {
        const copy = [...parts];
        const kind = next();
        const at = Math.floor(next() * (copy.length + 1));
        if (kind < 0.3) copy.splice(at, 0, pick());
        else if (kind < 0.6) copy.splice(at, 1);
        else if (kind < 0.9) copy[Math.min(at, Math.max(0, copy.length - 1))] = pick();
        else copy.push(pick(), pick());
        const from = rendered;
        const step = splice(from, copy);
        rendered = step.rendered;
        expect(rendered.text).toBe(copy.join("\n"));
        const spliced = step.kept && splicedBytes({ bytes, rendered: from }, rendered, step.kept);
        if (spliced !== undefined) reused++;
        if (spliced !== undefined) expect(spliced.bytes.equals(Buffer.from(copy.join("\n"), "utf8"))).toBe(true);
        bytes = spliced?.bytes ?? Buffer.from(rendered.text, "utf8");
        parts = copy;
      }
    }
    expect(reused).toBeGreaterThan(500);
  });
});
