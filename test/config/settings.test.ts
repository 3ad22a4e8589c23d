import { describe, expect, expectTypeOf, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { defineSettings, validateSettings, type Settings } from "../../src/config/index.ts";
import { catchConfigError } from "./_helpers.ts";

describe("defineSettings", () => {
  it("returns its argument", () => {
    const input = { installedApps: ["users"], database: { url: "sqlite://x" } };
    expect(defineSettings(input)).toBe(input);
  });

  it("keeps the user's keys in the inferred type, literally", () => {
    const settings = defineSettings({
      installedApps: ["users", "blog"],
      plugins: { middleware: ["framework/plugins:requestTiming"] },
      database: { engine: "sqlite", port: 5432 },
      workers: { count: 2 },
    });
    expectTypeOf(settings.installedApps).toEqualTypeOf<readonly ["users", "blog"]>();
    expectTypeOf(settings.database).toEqualTypeOf<{ readonly engine: "sqlite"; readonly port: 5432 }>();
    expectTypeOf(settings.workers.count).toEqualTypeOf<2>();
    expectTypeOf(settings).toMatchTypeOf<Settings>();
  });

  it("type-checks installedApps and plugins", () => {
    // @ts-expect-error app names are strings
    defineSettings({ installedApps: [1] });
    // @ts-expect-error plugin groups are lists of references
    defineSettings({ plugins: { middleware: "framework/plugins:requestTiming" } });
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
