import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { defineSettings, validateSettings } from "../../src/config/index.ts";
import { catchConfigError } from "./_helpers.ts";

describe("defineSettings", () => {
  it("returns its argument", () => {
    const input = { installedApps: ["users"], database: { url: "sqlite://x" } };
    expect(defineSettings(input)).toBe(input);
  });
});

describe("validateSettings", () => {
  it("accepts valid settings", () => {
    const settings = { installedApps: ["users"], plugins: { a: ["x:y"] }, extra: 1 };
    expect(validateSettings(settings)).toBe(settings);
  });

  it.each([
    [[], "must export default an object"],
    [{ installedApps: "users" }, "installedApps in config/settings.ts must be an array"],
    [{ installedApps: ["users", 2] }, "installedApps in config/settings.ts must be an array"],
    [{ plugins: ["x:y"] }, "plugins in config/settings.ts must be an object"],
    [{ plugins: { middleware: "x:y" } }, "plugins.middleware in config/settings.ts"],
  ])("rejects %j", (value, message) => {
    const error = catchConfigError(() => validateSettings(value));
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain(message);
    expect(error.location?.file).toBe("config/settings.ts");
  });
});
