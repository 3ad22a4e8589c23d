import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { codeVersion } from "../../src/codegen/code-version.ts";
import { parserVersions } from "../../src/codegen/parser-versions.ts";

function installed(name: string): string {
  return (
    JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
}

describe("the caches' key names the parsers' installed versions", () => {
  it("reads each parser's version from its package", () => {
    expect(parserVersions()).toBe(`oxc-parser@${installed("oxc-parser")} ts-morph@${installed("ts-morph")}`);
  });

  it("is part of the check cache's code version", () => {
    expect(codeVersion().endsWith(` ${parserVersions()}`)).toBe(true);
  });
});
