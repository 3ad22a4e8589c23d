/**
 * The generated registry types `getComponent` and `components`. Run by vitest's typecheck
 * mode: a wrong key that stopped being an error fails its `@ts-expect-error`.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { Framework } from "spoc";
import type { UserService } from "../../apps/users/services.ts";
import type { PostService } from "../../apps/blog/services.ts";
import "../../generated/registry.ts";

declare const framework: Framework;

describe("getComponent and components", () => {
  it("type a lookup by module and key, and reject unknown ones", () => {
    expectTypeOf(framework.getComponent("services", "users.UserService")).toEqualTypeOf<typeof UserService>();
    expectTypeOf(framework.components.services["blog.PostService"]).toEqualTypeOf<typeof PostService>();
    // @ts-expect-error unknown key
    framework.getComponent("services", "users.Nope");
    // @ts-expect-error unknown module
    framework.getComponent("servicez", "users.UserService");
    // @ts-expect-error a key of another module
    framework.getComponent("models", "users.UserService");
  });
});
