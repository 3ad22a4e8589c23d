import { describe, expect, it } from "vitest";
import { codeFrame } from "../../src/codegen/report/code-frame.ts";
import { toJsonReport } from "../../src/codegen/report/format-json.ts";
import { formatSummary, formatText } from "../../src/codegen/report/format-text.ts";
import { formatDot, formatMermaid, moduleGraph, toGraphJson } from "../../src/codegen/report/format-graph.ts";
import { unifiedDiff } from "../../src/codegen/report/line-diff.ts";
import { cycleDiagnostic, model, resultOf, warningDiagnostic } from "./_data.ts";

const blogServices = [
  'import { User } from "../users/models.ts";',
  'import { hash } from "../users/services.ts";',
  'import { UserService } from "../users/services.ts";',
  "@service export class PostService {}",
  "",
  "export const x = 1;",
].join("\n");

describe("codeFrame", () => {
  it("shows the lines around the position with a gutter and a caret under the column", () => {
    expect(codeFrame("a\nbb\n  const x = 1;\ndd\ne\nf", 3, 9)).toBe(
      ["  1 | a", "  2 | bb", "> 3 |   const x = 1;", "    |         ^", "  4 | dd", "  5 | e"].join("\n"),
    );
  });

  it("keeps tabs before the caret and pads the gutter to the widest line number", () => {
    const source = Array.from({ length: 10 }, (_, i) => (i === 9 ? "\tx()" : `l${i + 1}`)).join("\n");
    expect(codeFrame(source, 10, 2, { context: 1 })).toBe(["   9 | l9", "> 10 | \tx()", "     | \t^"].join("\n"));
  });

  it("gives nothing for a line outside the source", () => {
    expect(codeFrame("a\nb", 7, 1)).toBeUndefined();
    expect(codeFrame("a\nb", 0, 1)).toBeUndefined();
  });
});

describe("text output", () => {
  const sources: Record<string, string> = { "apps/blog/services.ts": blogServices };
  const readSource = (file: string): string | undefined => sources[file];

  it("prints location, code, message, code frame, cycle with its locations, and hint", () => {
    const text = formatText(resultOf([cycleDiagnostic], 1), { root: "/project", readSource });
    expect(text).toBe(
      [
        "apps/blog/services.ts:3:1 - error SPOC002: runtime import cycle between blog.services and users.services",
        "",
        '  1 | import { User } from "../users/models.ts";',
        '  2 | import { hash } from "../users/services.ts";',
        '> 3 | import { UserService } from "../users/services.ts";',
        "    | ^",
        "  4 | @service export class PostService {}",
        "  5 |",
        "",
        "  cycle: blog.services -> users.services -> blog.services",
        "    apps/blog/services.ts:3:1 - blog.services imports users.services",
        "    apps/users/services.ts:2:1 - users.services imports blog.services",
        "  hint: Move the shared code into a module both can import, or use `import type`.",
        "",
        "1 error, 0 warnings (1 silenced by [spoc.check] ignore)",
        "",
      ].join("\n"),
    );
  });

  it("skips the code frame when the file cannot be read", () => {
    const text = formatText(resultOf([warningDiagnostic]), { root: "/nowhere" });
    expect(text).toBe(
      `config/settings.ts:4:18 - warning SPOC005: app "users" has no workers module\n\n0 errors, 1 warning\n`,
    );
  });

  it("summarises counts", () => {
    expect(formatSummary({ diagnostics: [cycleDiagnostic, cycleDiagnostic], silenced: 0 })).toBe(
      "2 errors, 0 warnings",
    );
  });
});

describe("JSON output", () => {
  it("has ok, loadOrder and diagnostics with relative paths and no undefined fields", () => {
    const report = JSON.parse(JSON.stringify(toJsonReport(resultOf([cycleDiagnostic, warningDiagnostic]))));
    expect(report.ok).toBe(false);
    expect(report.loadOrder).toEqual([]);
    expect(report.diagnostics[0]).toMatchObject({
      code: "SPOC002",
      severity: "error",
      file: "apps/blog/services.ts",
      line: 3,
      column: 1,
      cycle: ["blog.services", "users.services", "blog.services"],
      hint: expect.any(String),
    });
    expect(Object.keys(report.diagnostics[1])).toEqual(["code", "severity", "message", "file", "line", "column"]);
  });

  it("is ok with only warnings, and carries the load order", () => {
    const report = toJsonReport(resultOf([warningDiagnostic]));
    expect(report.ok).toBe(true);
    expect(report.loadOrder).toEqual(["users.models", "users.services", "blog.models", "blog.services"]);
  });
});

describe("graph output", () => {
  const graph = moduleGraph(model, ["users.models", "users.services", "blog.models", "blog.services"]);

  it("has schema edges per app and runtime import edges at their first import, sorted", () => {
    expect(graph.edges).toEqual([
      {
        from: "blog.services",
        to: "blog.models",
        kind: "schema",
        location: { file: "config/schema.ts", line: 5, column: 15 },
      },
      {
        from: "blog.services",
        to: "users.services",
        kind: "import",
        location: { file: "apps/blog/services.ts", line: 2, column: 1 },
      },
      {
        from: "users.services",
        to: "users.models",
        kind: "schema",
        location: { file: "config/schema.ts", line: 5, column: 15 },
      },
    ]);
    expect(graph.nodes.map((n) => n.id)).toEqual(["users.models", "users.services", "blog.models", "blog.services"]);
    expect(graph.nodes[2]).toMatchObject({ file: null });
  });

  it("renders mermaid with dotted schema edges", () => {
    expect(formatMermaid(graph)).toBe(
      [
        "graph TD",
        '  subgraph app_users["users"]',
        '    users_models["users.models"]',
        '    users_services["users.services"]',
        "  end",
        '  subgraph app_blog["blog"]',
        '    blog_models("blog.models (missing)")',
        '    blog_services["blog.services"]',
        "  end",
        "  blog_services -. schema .-> blog_models",
        "  blog_services --> users_services",
        "  users_services -. schema .-> users_models",
        "",
      ].join("\n"),
    );
  });

  it("renders dot with dashed schema edges", () => {
    const dot = formatDot(graph);
    expect(dot.startsWith("digraph spoc {\n")).toBe(true);
    expect(dot).toContain('  "blog.services" -> "blog.models" [style=dashed, label="schema"];\n');
    expect(dot).toContain('  "blog.services" -> "users.services";\n');
    expect(dot.endsWith("}\n")).toBe(true);
  });

  it("renders json with nodes, edges, load order and the check envelope", () => {
    const json = toGraphJson(graph, resultOf([]));
    expect(json.ok).toBe(true);
    expect(json.loadOrder).toEqual(graph.loadOrder);
    expect(json.edges).toHaveLength(3);
    expect(json.diagnostics).toEqual([]);
  });
});

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n")).toBe("");
  });

  it("shows changed lines with context in hunks", () => {
    const before = `${["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"].join("\n")}\n`;
    const after = `${["1", "2", "three", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"].join("\n")}\n`;
    expect(unifiedDiff(before, after, { from: "old", to: "new", context: 1 })).toBe(
      ["--- old", "+++ new", "@@ -2,3 +2,3 @@", " 2", "-3", "+three", " 4", "@@ -12,1 +12,2 @@", " 12", "+13", ""].join(
        "\n",
      ),
    );
  });

  it("diffs against an empty text", () => {
    expect(unifiedDiff("", "a\n")).toBe(["--- a", "+++ b", "@@ -0,0 +1,1 @@", "+a", ""].join("\n"));
  });
});
