/**
 * Type tests of `env` (vitest's typecheck mode): the readers' return types, and `oneOf`'s
 * union of its choices, which its default must belong to.
 */
import { describe, expectTypeOf, it } from "vitest";
import { env } from "../../src/config/index.ts";

describe("env.oneOf", () => {
  it("returns the union of the choices, with or without as const", () => {
    expectTypeOf(env.oneOf("DB_ENGINE", ["sqlite", "postgres"] as const)).toEqualTypeOf<"sqlite" | "postgres">();
    expectTypeOf(env.oneOf("DB_ENGINE", ["sqlite", "postgres"], "sqlite")).toEqualTypeOf<"sqlite" | "postgres">();
  });

  it("type-checks the default", () => {
    // @ts-expect-error "mysql" is not a choice
    env.oneOf("DB_ENGINE", ["sqlite", "postgres"], "mysql");
  });
});

describe("return types", () => {
  it("are precise", () => {
    expectTypeOf(env.string("X")).toEqualTypeOf<string>();
    expectTypeOf(env.int("X")).toEqualTypeOf<number>();
    expectTypeOf(env.bool("X")).toEqualTypeOf<boolean>();
  });
});
