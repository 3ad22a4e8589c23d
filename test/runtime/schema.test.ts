import { describe, expect, expectTypeOf, it } from "vitest";
import { defineSchema, schemaFingerprint, type LoadedModule } from "../../src/schema.ts";

describe("defineSchema", () => {
  it("returns its argument and keeps the module names as literal types", () => {
    const definition = {
      modules: ["models", "services"],
      dependencies: { services: ["models"] },
    } as const;
    const schema = defineSchema(definition);
    expect(schema).toBe(definition);
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
    expect(true).toBe(true);
  });
});

describe("schemaFingerprint", () => {
  const base = {
    modules: ["models", "services", "views"],
    dependencies: { services: ["models"], views: ["models", "services"] },
  };

  it("is stable and ignores the order of dependency lists and keys", () => {
    const reordered = { modules: base.modules, dependencies: { views: ["services", "models"], services: ["models"] } };
    expect(schemaFingerprint(base)).toMatch(/^[0-9a-f]{8}$/);
    expect(schemaFingerprint(reordered)).toBe(schemaFingerprint(base));
  });

  it("changes when modules, their order or a dependency changes", () => {
    const fingerprint = schemaFingerprint(base);
    expect(schemaFingerprint({ ...base, modules: ["models", "views", "services"] })).not.toBe(fingerprint);
    expect(schemaFingerprint({ ...base, modules: [...base.modules, "workers"] })).not.toBe(fingerprint);
    expect(schemaFingerprint({ ...base, dependencies: { services: ["models"] } })).not.toBe(fingerprint);
  });
});
