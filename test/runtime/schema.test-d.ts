/**
 * Type tests, run by vitest's typecheck mode (`*.test-d.ts`): an `@ts-expect-error` that
 * stops being an error fails the test.
 */
import { describe, expectTypeOf, it } from "vitest";
import { defineSchema, type LoadedModule } from "spoc";

describe("defineSchema", () => {
  it("keeps the module names as literal types", () => {
    const schema = defineSchema({ modules: ["models", "services"], dependencies: { services: ["models"] } } as const);
    expectTypeOf(schema.modules).toEqualTypeOf<readonly ("models" | "services")[]>();
  });

  it("rejects dependencies and hooks on undeclared modules at compile time", () => {
    const hook = (_module: LoadedModule) => {};
    defineSchema({
      modules: ["models", "services"],
      // @ts-expect-error "modelz" is not a declared module
      dependencies: { services: ["modelz"] },
    });
    defineSchema({
      modules: ["models", "services"],
      // @ts-expect-error "views" is not a declared module
      dependencies: { views: ["models"] },
    });
    defineSchema({
      modules: ["models"],
      // @ts-expect-error hooks for an undeclared module
      hooks: { workers: { startup: hook } },
    });
  });
});
