import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { installedApps, knownModes, modeCascade, parseProjectConfig } from "../../src/config/index.ts";
import { catchConfigError } from "./_helpers.ts";

const config = parseProjectConfig(
  `
[spoc.apps]
production = ["users", "billing"]
staging = ["metrics"]
development = ["blog", "users", "debugbar"]
test = ["fixtures"]
[spoc.modes]
test = ["test", "production"]
`,
  "config/spoc.toml",
);

describe("modeCascade", () => {
  it("gives the default cascades", () => {
    expect(modeCascade(config, "production")).toEqual(["production"]);
    expect(modeCascade(config, "staging")).toEqual(["staging", "production"]);
    expect(modeCascade(config, "development")).toEqual(["development", "staging", "production"]);
    expect(modeCascade(config, "test")).toEqual(["test", "production"]);
  });

  it("rejects an unknown mode listing the known ones sorted", () => {
    const error = catchConfigError(() => modeCascade(config, "prod"));
    expect(error.code).toBe(ErrorCode.UnknownMode);
    expect(error.message).toContain('"prod"');
    expect(error.message).toContain("known modes: development, production, staging, test");
  });

  it("does not take Object.prototype names for modes", () => {
    expect(catchConfigError(() => modeCascade(config, "toString")).code).toBe(ErrorCode.UnknownMode);
  });

  it("names where the mode came from", () => {
    expect(catchConfigError(() => modeCascade(config, "x", "SPOC_MODE")).message).toContain("(from SPOC_MODE)");
  });

  it("lists known modes sorted", () => {
    expect(knownModes(config)).toEqual(["development", "production", "staging", "test"]);
  });
});

describe("installedApps", () => {
  it("puts settings apps first, then the cascade from its base to the mode", () => {
    expect(installedApps(["core"], config, "development")).toEqual([
      "core",
      "users",
      "billing",
      "metrics",
      "blog",
      "debugbar",
    ]);
  });

  it("only installs the cascade's apps", () => {
    expect(installedApps(["core"], config, "production")).toEqual(["core", "users", "billing"]);
    expect(installedApps([], config, "staging")).toEqual(["users", "billing", "metrics"]);
    expect(installedApps([], config, "test")).toEqual(["users", "billing", "fixtures"]);
  });

  it("keeps the first occurrence of a duplicate", () => {
    expect(installedApps(["blog", "core"], config, "development")).toEqual([
      "blog",
      "core",
      "users",
      "billing",
      "metrics",
      "debugbar",
    ]);
  });

  it("rejects an unknown mode", () => {
    expect(catchConfigError(() => installedApps([], config, "qa")).code).toBe(ErrorCode.UnknownMode);
  });
});
