/**
 * The scan reads files with oxc; TypeScript's reading (file-facts-ts.ts) is the reference. For
 * every TypeScript file of the repository (the example, the fixtures, the sources), a synthetic
 * project and tricky snippets, both read the same facts as the TypeScript reading the scan used
 * before (of the file with its nested blocks emptied), positions included. A file oxc cannot
 * parse is read by TypeScript, so its facts and its syntax error are TypeScript's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo, syntheticProject, tsFiles } from "./_sources.ts";
import { parseTopLevel } from "../../src/codegen/parse/ast.ts";
import { factsOfText } from "../../src/codegen/scan/file-facts.ts";
import { readFileFacts } from "../../src/codegen/scan/file-facts-ts.ts";

const { root: synthetic, remove } = syntheticProject(3);
afterAll(remove);

function expectSameFacts(text: string, file = "file.ts"): void {
  expect(factsOfText(file, text), file).toEqual(readFileFacts(parseTopLevel(file, text)));
}

describe("oxc and TypeScript read the same facts", () => {
  const groups: [string, string[]][] = [
    ...["apps", "framework", "config", "src", "test", "bench"].map((dir): [string, string[]] => [
      dir,
      tsFiles(join(repo, dir)),
    ]),
    ["a synthetic project of 3 apps", tsFiles(synthetic)],
  ];
  it.each(groups)("in %s", (_, files) => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expectSameFacts(readFileSync(file, "utf8"), file);
  });

  it.each([
    [
      "exports of every shape",
      "export default class {}\nexport function f() {}\nexport enum E { A }\nexport namespace N.M { }\nexport declare const d: number;\nexport const { a, b: [c, , ...d2], ...rest } = o;\nexport type T = 1;\nexport interface I {}\n",
    ],
    ["default exports", "const x = 1;\nexport default (x as number);\n"],
    ["an anonymous default", "export default function () {}\n"],
    [
      "string export names",
      'export { a as "a-b" } from "./x.ts";\nimport { "c-d" as c } from "./y.ts";\nexport * as "n s" from "./z.ts";\n',
    ],
    [
      "type-only forms",
      'import type A from "./a.ts";\nimport { type B, type C } from "./b.ts";\nimport D, { type E } from "./d.ts";\nimport {} from "./e.ts";\nexport type { F } from "./f.ts";\nexport { type G } from "./g.ts";\nexport type * from "./h.ts";\n',
    ],
    [
      "registrars and instances",
      'const c = new Components("Model", `view`, " Service ");\nexport const model = c.register("model");\nexport const v = (c.register)("view")!;\nc.addType("worker");\n(c as any).addType(`job`);\n@model @c.view export class A {}\nexport const b = model(class {});\nexport const u = ns.view(() => 1) satisfies unknown;\n',
    ],
    ["decorators after export", "export @dec class A {}\n@first\n@second() export default class B {}\n"],
    ["unicode before positions", '// héllo 😀 — \u2028\nimport { a } from "./a.ts";\nexport const x = reg(1);\n'],
    ["CRLF line ends", 'import { a } from "./a.ts";\r\nexport const x = reg(1);\r\n'],
    ["a syntax error", 'import { a } from "./a.ts";\nexport const x = ;\n'],
    ["an unterminated template", "export const v = view(async function () {\n  return `x;\n});\n"],
  ])("in %s", (name, text) => {
    expectSameFacts(text, `${name}.ts`);
  });
});
