import { describe, expect, it } from "vitest";
import { diagnosticRules, toSarif } from "../../src/codegen/report/sarif.ts";
import { cycleDiagnostic, warningDiagnostic } from "./_data.ts";
import { sarifViolations } from "./_sarif.ts";

describe("SARIF output", () => {
  const log = JSON.parse(JSON.stringify(toSarif([cycleDiagnostic, warningDiagnostic], { toolVersion: "0.1.0" })));

  it("is valid against the SARIF 2.1.0 JSON schema", () => {
    expect(sarifViolations(log)).toEqual([]);
  });

  it("describes every generator code as a rule", () => {
    const ids = log.runs[0].tool.driver.rules.map((rule: { id: string }) => rule.id);
    expect(ids).toEqual([
      ...Array.from({ length: 14 }, (_, i) => `SPOC${String(i + 1).padStart(3, "0")}`),
      "SPOC020",
      "SPOC021",
    ]);
    expect(Object.keys(diagnosticRules)).toEqual(ids);
  });

  it("has one result per diagnostic with rule, level, message and a relative location", () => {
    const [first, second] = log.runs[0].results;
    expect(first).toMatchObject({
      ruleId: "SPOC002",
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "apps/blog/services.ts", uriBaseId: "%SRCROOT%" },
            region: { startLine: 3, startColumn: 1 },
          },
        },
      ],
    });
    expect(first.message.text).toContain("blog.services -> users.services -> blog.services");
    expect(first.relatedLocations).toHaveLength(2);
    expect(second).toMatchObject({ ruleId: "SPOC005", level: "warning" });
  });

  it("is checked by a validator that catches what the schema forbids", () => {
    const broken = {
      version: "2.1.0",
      $schema: "x",
      runs: [
        {
          tool: { driver: {} },
          results: [
            {
              level: "fatal",
              locations: [{ physicalLocation: { artifactLocation: { uri: "/abs" }, region: { startLine: 0 } } }],
            },
          ],
        },
      ],
    };
    expect(sarifViolations(broken)).toEqual([
      '/$schema must match format "uri"',
      "/runs/0/tool/driver must have required property 'name'",
      "/runs/0/results/0 must have required property 'message'",
      "/runs/0/results/0/level must be equal to one of the allowed values",
      "/runs/0/results/0/locations/0/physicalLocation/region/startLine must be >= 1",
    ]);
  });
});
