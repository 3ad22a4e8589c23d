import { describe, expect, it } from "vitest";
import { defineSchema, schemaFingerprint } from "../../src/schema.ts";

describe("defineSchema", () => {
  it("returns its argument", () => {
    const definition = {
      modules: ["models", "services"],
      dependencies: { services: ["models"] },
    } as const;
    const schema = defineSchema(definition);
    expect(schema).toBe(definition);
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
