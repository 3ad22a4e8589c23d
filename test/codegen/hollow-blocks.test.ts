/**
 * Emptying nested blocks before the parse must not change what the generator reads: for every
 * TypeScript file of the repository (the example, the fixtures, the sources) and for tricky
 * snippets, the file facts of the hollowed parse equal those of the full parse, positions
 * included. Only a syntax error inside an emptied block goes unseen; tsc reports it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo, syntheticProject, tsFiles } from "./_sources.ts";
import { parseTopLevel, parseTypeScript, positionOf } from "../../src/codegen/parse/ast.ts";
import { readFileFacts } from "../../src/codegen/scan/file-facts-ts.ts";
import { hollowInnerBlocks } from "../../src/codegen/parse/hollow-blocks.ts";

const { root: synthetic, remove } = syntheticProject(3);
afterAll(remove);

const factsOf = (text: string, parse: typeof parseTypeScript) => readFileFacts(parse("file.ts", text));

/**
 * The same facts; a syntax error inside an emptied block is not seen (tsc reports it), one
 * outside is reported alike.
 */
function expectSameFacts(text: string, file = "snippet"): void {
  const hollowed = factsOf(text, parseTopLevel);
  const full = factsOf(text, parseTypeScript);
  expect({ ...hollowed, parseError: undefined }, file).toEqual({ ...full, parseError: undefined });
  if (hollowed.parseError !== undefined) expect(hollowed.parseError, file).toEqual(full.parseError);
  if (full.parseError === undefined)
    expect(statementPositions(text, parseTopLevel), file).toEqual(statementPositions(text, parseTypeScript));
}

/** Where each top-level statement starts by TypeScript's own line map (which also ends lines at CR, U+2028, U+2029). */
function statementPositions(text: string, parse: typeof parseTypeScript) {
  const source = parse("file.ts", text);
  return source.statements.map((statement) => positionOf(source, statement));
}

describe("hollowInnerBlocks", () => {
  const groups: [string, string[]][] = [
    ...["apps", "framework", "config", "src", "test/fixtures"].map((dir): [string, string[]] => [
      dir,
      tsFiles(join(repo, dir)),
    ]),
    ["a synthetic project of 3 apps", tsFiles(synthetic)],
  ];

  it.each(groups)("reads the same facts from every file of %s, with LF and CRLF line ends", (_, files) => {
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expectSameFacts(text, file);
      expectSameFacts(text.replace(/\n/g, "\r\n"), `${file} (CRLF)`);
    }
  });

  it("keeps line and column numbers, and shrinks the text", () => {
    const text = [
      "import { model } from './components.ts';",
      "@model export class A { m() { return { a: 1 }; } }",
      "@model export class B {",
      "  m() {",
      "    const x = `${ { b: '}' }.b }`;",
      "    return /[{]/.test(x) ? 1 : 2 / 3;",
      "  } }   @model export class C {}",
    ].join("\n");
    const hollowed = hollowInnerBlocks(text);
    expect(hollowed).toBeDefined();
    expect((hollowed ?? "").length).toBeLessThan(text.length);
    expect(hollowed?.split("\n")).toHaveLength(7);
    expect(hollowed).not.toContain("return");
    expect(factsOf(text, parseTopLevel).candidates.get("C")).toMatchObject({ line: 7, column: 29 });
    expectSameFacts(text);
  });

  it.each([
    [
      "a regular expression holding braces and quotes",
      "export class A { m() { return /[}'\"`]{2}\\//g; } }\nexport class B {}",
    ],
    [
      "a division after a name, a call and a keyword used as a name",
      "export class A { m(a) { return a / 2 + f() / 3 + a.default / 4 + this.type / 5; } }\nexport class B {}",
    ],
    [
      "a regular expression after return, typeof and an operator",
      "export class A { m(a) { if (a) return /{/.test(a); return typeof /}/ + (a = /[(]/); } }\nexport class B {}",
    ],
    [
      "strings and comments holding braces",
      "export class A { m() { const s = '{' + \"}\"; /* { */ // }\n return s; } }\nexport class B {}",
    ],
    [
      "templates nested in templates",
      "export class A { m(a) { return `x${ `${a}{` + `}` }y${ {a}.a }`; } }\nexport class B {}",
    ],
    [
      "decorator and call arguments with object literals",
      "@model({ table: 'a' }) export class A {}\nexport const v = view(async function v() { return { ok: true }; });",
    ],
    ["unicode line separators", "export class A { m() {\u2028 return 1;\u2029 } }\nexport class B {}"],
    [
      "a line separator in a nested string, then a class on the same line",
      'export class A { m() {\n return "a\u2028b"; } } @model export class B {}',
    ],
    [
      "bare CR line ends, one before an LF",
      "export class A {\r m() {\r return 1;\r x;\n } } @model export class B {}\r@model export class C {}",
    ],
    [
      "a non-null assertion before a division",
      "export class A { m(a) { return a! / 2; } } @model export class B { n(b) { return b / 3; } }",
    ],
    [
      "a not before a regular expression on a new line",
      "export class A { m(a) { const b = a\n!/}'/.test(b) } }\n@model export class B {}",
    ],
    [
      "a getter, a static block and an arrow body",
      "export class A { get x() { return 1; } static { init(); } f = () => { return 2; }; }\nexport const B = wrap(() => { return 3; });",
    ],
  ])("reads the same facts with %s", (_, text) => {
    expect(hollowInnerBlocks(text)).toBeDefined();
    expectSameFacts(text);
  });

  it.each([
    ["an unbalanced brace", "export class A { m() { }\n"],
    ["an unterminated string", "export class A { m() { return 'x; } }\n"],
    ["an unterminated template", "export class A { m() { return `x${1}; } }\n"],
    ["an unterminated comment", "export class A { m() { /* } }\n"],
    ["a mismatched bracket", "export class A { m() { return [1); } }\n"],
  ])("gives up on %s, and the parse falls back to the whole text", (_, text) => {
    expect(hollowInnerBlocks(text)).toBeUndefined();
    expect(factsOf(text, parseTopLevel)).toEqual(factsOf(text, parseTypeScript));
  });

  it("returns the text itself when nothing is nested", () => {
    const text = "import { a } from './a.ts';\nexport class A {}\n";
    expect(hollowInnerBlocks(text)).toBe(text);
  });

  it("does not see a syntax error inside an emptied block, which cannot hide a component", () => {
    const text = "@model export class A { m() { return 1 +; } }\n@model export class B {}\n";
    expect(factsOf(text, parseTypeScript).parseError?.line).toBe(1);
    const facts = factsOf(text, parseTopLevel);
    expect(facts.parseError).toBeUndefined();
    expect([...facts.candidates.keys()]).toEqual(["A", "B"]);
  });

  it("reports a syntax error at the top from the original text", () => {
    const text = "export class A { m() { return 1; } }\nexport const = 1;\n";
    const facts = factsOf(text, parseTopLevel);
    expect(facts.parseError).toEqual(factsOf(text, parseTypeScript).parseError);
    expect(facts.parseError?.line).toBe(2);
  });
});
