/**
 * The generated registry types `getComponent` and `components`. The `@ts-expect-error`
 * lines are checked by `npm run typecheck`: if a wrong key stopped being an error, the
 * directive itself would fail the type check.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Framework } from "spoc";
import type { UserService } from "../../apps/users/services.ts";
import type { PostService } from "../../apps/blog/services.ts";
import { registry } from "../../generated/registry.ts";

function typedLookups(framework: Framework): void {
  expectTypeOf(framework.getComponent("services", "users.UserService")).toEqualTypeOf<typeof UserService>();
  expectTypeOf(framework.components.services["blog.PostService"]).toEqualTypeOf<typeof PostService>();
  // @ts-expect-error unknown key
  framework.getComponent("services", "users.Nope");
  // @ts-expect-error unknown module
  framework.getComponent("servicez", "users.UserService");
  // @ts-expect-error a key of another module
  framework.getComponent("models", "users.UserService");
}

describe("generated registry", () => {
  it("declares every component the typed lookups rely on", () => {
    expect(typeof typedLookups).toBe("function");
    const keys = registry.components.map((c) => `${c.module.split(".")[1]}:${c.key}`);
    expect(keys).toContain("services:users.UserService");
    expect(keys).toContain("services:blog.PostService");
  });
});
