/**
 * A watch session's renders join only the blocks of parts that changed and reuse the others'
 * text and bytes, and hash the generation from the first changed entry on; the result must
 * always equal the parts joined (and encoded), and the generation hashed, from scratch.
 */
import { describe, expect, it } from "vitest";
import { GenerationHash, type Joined, joinedBytes, joinParts, sameBytes } from "../../src/codegen/incremental.ts";
import { generationOf } from "../../src/codegen/render/registry.ts";

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

describe("sameBytes", () => {
  it("compares the bytes, not how they are cut", () => {
    const b = (text: string): Buffer => Buffer.from(text, "utf8");
    expect(sameBytes([b("ab"), b("c"), b(""), b("déf")], [b("a"), b("bcd"), b("éf")])).toBe(true);
    expect(sameBytes([], [b("")])).toBe(true);
    expect(sameBytes([b("ab"), b("c")], [b("a"), b("bd")])).toBe(false);
    expect(sameBytes([b("ab")], [b("abc")])).toBe(false);
  });
});

describe("joinParts", () => {
  it("equals join and its UTF-8 bytes for random edits, small and across many blocks", () => {
    const next = random(42);
    const words = ["a", "bb", "ccc\nd", "", "—", "é\nx", "line"];
    const pick = (): string => words[Math.floor(next() * words.length)] as string;
    let reusedBlocks = 0;
    for (let session = 0; session < 40; session++) {
      let parts = Array.from({ length: Math.floor(next() * (session % 2 === 0 ? 6 : 400)) }, pick);
      let joined: Joined = joinParts(undefined, parts);
      for (let edit = 0; edit < 30; edit++) {
        const copy = [...parts];
        const kind = next();
        const at = Math.floor(next() * (copy.length + 1));
        if (kind < 0.2) copy.splice(at, 0, pick());
        else if (kind < 0.4) copy.splice(at, 1);
        else if (kind < 0.8) copy[Math.min(at, Math.max(0, copy.length - 1))] = pick();
        else if (kind < 0.9) copy.push(pick(), pick());
        const before = joined;
        joined = joinParts(before, copy);
        expect(joined.text).toBe(copy.join("\n"));
        const expected = Buffer.from(copy.join("\n"), "utf8");
        expect(Buffer.concat(joinedBytes(joined)).equals(expected)).toBe(true);
        expect(sameBytes(joinedBytes(joined), [expected])).toBe(true);
        expect(sameBytes(joinedBytes(joined), joinedBytes(before))).toBe(
          Buffer.concat(joinedBytes(before)).equals(expected),
        );
        reusedBlocks += joined.blocks.filter((block) => before.blocks.includes(block)).length;
        parts = copy;
      }
    }
    expect(reusedBlocks).toBeGreaterThan(1000);
  });

  it("returns the previous render itself when no part changed, and rejoins only a changed block", () => {
    const parts = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const first = joinParts(undefined, parts);
    expect(joinParts(first, [...parts])).toBe(first);
    const edited = [...parts];
    edited[500] = "line five hundred";
    const second = joinParts(first, edited);
    expect(second.text).toBe(edited.join("\n"));
    expect(second.blocks.filter((block, i) => block !== first.blocks[i])).toHaveLength(1);
  });
});

describe("GenerationHash", () => {
  it("gives generationOf's hash for every list, hashing from the first change", () => {
    const session = new GenerationHash();
    const list = (n: number, tag = ""): string[] => Array.from({ length: n }, (_, i) => `entry ${i}${tag}`);
    const base = list(1000);
    const steps: [string, string[]][] = [
      ["the first list", base],
      ["the same list again", [...base]],
      ["one entry changed in the middle", base.map((entry, i) => (i === 500 ? "changed" : entry))],
      ["the first entry changed", base.map((entry, i) => (i === 0 ? "first" : entry))],
      ["the last entry changed", base.map((entry, i) => (i === 999 ? "last" : entry))],
      ["an entry on a step's boundary changed", base.map((entry, i) => (i === 128 ? "boundary" : entry))],
      ["one entry inserted", [...base.slice(0, 300), "inserted", ...base.slice(300)]],
      ["entries removed", base.slice(0, 700)],
      ["entries appended", [...base, ...list(200, "+")]],
      ["back to the first list", base],
      ["empty", []],
      ["shorter than a step", list(10)],
    ];
    for (const [what, hashed] of steps) expect(session.of(hashed), what).toBe(generationOf(hashed));
  });
});
