import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { env } from "../../src/config/index.ts";
import { catchConfigError, isolateEnvironment } from "./_helpers.ts";

isolateEnvironment();

function set(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe("env.string", () => {
  it("reads process.env at call time", () => {
    set("APP_NAME", "blog");
    expect(env.string("APP_NAME")).toBe("blog");
    set("APP_NAME", "shop");
    expect(env.string("APP_NAME", "x")).toBe("shop");
  });

  it("uses the default when unset", () => {
    set("APP_NAME", undefined);
    expect(env.string("APP_NAME", "fallback")).toBe("fallback");
  });

  it("says to set a missing variable in config/.env", () => {
    set("SECRET_KEY", undefined);
    const error = catchConfigError(() => env.string("SECRET_KEY"));
    expect(error.code).toBe(ErrorCode.InvalidEnvironment);
    expect(error.message).toContain("SECRET_KEY");
    expect(error.hint).toContain("SECRET_KEY");
    expect(error.hint).toContain("config/.env");
  });
});

describe("env.int", () => {
  it("parses integers", () => {
    set("DB_PORT", "5432");
    expect(env.int("DB_PORT")).toBe(5432);
    set("DB_PORT", "-3");
    expect(env.int("DB_PORT")).toBe(-3);
  });

  it("uses the default when unset", () => {
    set("DB_PORT", undefined);
    expect(env.int("DB_PORT", 5432)).toBe(5432);
  });

  it.each(["abc", "12x", "1.5", "1e3", "", "0x10"])("rejects %j", (raw) => {
    set("DB_PORT", raw);
    const error = catchConfigError(() => env.int("DB_PORT", 1));
    expect(error.code).toBe(ErrorCode.InvalidEnvironment);
    expect(error.message).toBe(`DB_PORT must be an integer, got ${JSON.stringify(raw)}`);
    expect(error.hint).toContain("config/.env");
  });

  it("rejects values beyond a safe integer", () => {
    set("DB_PORT", "99999999999999999999");
    expect(catchConfigError(() => env.int("DB_PORT")).message).toContain("DB_PORT must be an integer between");
  });

  it("enforces min and max", () => {
    set("DB_PORT", "70000");
    const error = catchConfigError(() => env.int("DB_PORT", undefined, { min: 1, max: 65535 }));
    expect(error.message).toBe('DB_PORT must be an integer between 1 and 65535, got "70000"');
    set("DB_PORT", "0");
    expect(() => env.int("DB_PORT", undefined, { min: 1 })).toThrow(/DB_PORT must be an integer between 1/);
    set("DB_PORT", "65535");
    expect(env.int("DB_PORT", undefined, { min: 1, max: 65535 })).toBe(65535);
  });

  it("says to set a missing variable", () => {
    set("DB_PORT", undefined);
    expect(catchConfigError(() => env.int("DB_PORT")).message).toContain("DB_PORT is not set");
  });
});

describe("env.bool", () => {
  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["On", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["OFF", false],
  ])("reads %j as %s", (raw, expected) => {
    set("FEATURE", raw);
    expect(env.bool("FEATURE")).toBe(expected);
  });

  it("uses the default when unset, even false", () => {
    set("FEATURE", undefined);
    expect(env.bool("FEATURE", false)).toBe(false);
    expect(env.bool("FEATURE", true)).toBe(true);
  });

  it("rejects anything else", () => {
    set("FEATURE", "maybe");
    const error = catchConfigError(() => env.bool("FEATURE"));
    expect(error.code).toBe(ErrorCode.InvalidEnvironment);
    expect(error.message).toContain("FEATURE must be a boolean");
    expect(error.message).toContain('got "maybe"');
  });
});

describe("env.oneOf", () => {
  it("returns the matching choice", () => {
    set("DB_ENGINE", "postgres");
    const engine = env.oneOf("DB_ENGINE", ["sqlite", "postgres"] as const);
    expect(engine).toBe("postgres");
  });

  it("uses the default when unset", () => {
    set("DB_ENGINE", undefined);
    expect(env.oneOf("DB_ENGINE", ["sqlite", "postgres"], "sqlite")).toBe("sqlite");
  });

  it("rejects other values, listing the choices", () => {
    set("DB_ENGINE", "mysql");
    const error = catchConfigError(() => env.oneOf("DB_ENGINE", ["sqlite", "postgres"], "sqlite"));
    expect(error.code).toBe(ErrorCode.InvalidEnvironment);
    expect(error.message).toBe('DB_ENGINE must be one of "sqlite", "postgres", got "mysql"');
  });
});
