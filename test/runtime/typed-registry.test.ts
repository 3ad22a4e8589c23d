/** The generated registry holds the components its type map types (typed-registry.test-d.ts). */
import { describe, expect, it } from "vitest";
import { registry } from "../../generated/registry.ts";

describe("generated registry", () => {
  it("declares every component the typed lookups rely on", () => {
    const keys = registry.components.map((c) => `${c.module.split(".")[1]}:${c.key}`);
    expect(keys).toContain("services:users.UserService");
    expect(keys).toContain("services:blog.PostService");
  });
});
