/**
 * Type tests, run by vitest's typecheck mode (`*.test-d.ts`): an `@ts-expect-error` that
 * stops being an error, or an `expectTypeOf` that no longer holds, fails the test.
 */
import { describe, expectTypeOf, it } from "vitest";
import { defineSettings, type Settings } from "spoc";

describe("defineSettings", () => {
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
