import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { loadEnvironment, parseProjectConfig, resolveDebug, resolveMode } from "../../src/config/index.ts";
import { catchConfigError, isolateEnvironment, makeProject } from "./_helpers.ts";

isolateEnvironment();

describe("loadEnvironment", () => {
  it("applies config/.env and config/.env.<mode>, the mode file winning", () => {
    const root = makeProject({
      "config/.env": "NAME=default-app\nURL=postgres://localhost/default\n",
      "config/.env.development": "NAME=env-app\nAPI_KEY=dev-key\n",
      "config/.env.production": "API_KEY=prod-key\n",
    });
    const target: Record<string, string | undefined> = {};
    const loaded = loadEnvironment({ baseDir: root, mode: "development", target });
    expect(loaded.mode).toBe("development");
    expect(loaded.files).toEqual(["config/.env", "config/.env.development"]);
    expect(target).toEqual({ NAME: "env-app", URL: "postgres://localhost/default", API_KEY: "dev-key" });
    expect(loaded.variables).toEqual(target);
  });

  it("never overrides a variable already set in the target", () => {
    const root = makeProject({
      "config/.env": "A=from-env\nB=from-env\n",
      "config/.env.production": "A=from-mode\nC=from-mode\n",
    });
    const target: Record<string, string | undefined> = { A: "from-process" };
    const loaded = loadEnvironment({ baseDir: root, mode: "production", target });
    expect(target).toEqual({ A: "from-process", B: "from-env", C: "from-mode" });
    expect(loaded.variables).toEqual({ B: "from-env", C: "from-mode" });
  });

  it("writes to process.env by default", () => {
    const root = makeProject({ "config/.env": "SPOC_TEST_VAR=1\n" });
    delete process.env["SPOC_TEST_VAR"];
    loadEnvironment({ baseDir: root, mode: "development" });
    expect(process.env["SPOC_TEST_VAR"]).toBe("1");
  });

  it("reads nothing when there are no files", () => {
    const target: Record<string, string | undefined> = {};
    expect(loadEnvironment({ baseDir: makeProject(), mode: "staging", target })).toEqual({
      mode: "staging",
      files: [],
      variables: {},
    });
    expect(target).toEqual({});
  });

  it("ignores malformed lines and keeps the rest", () => {
    const root = makeProject({ "config/.env": "GOOD=1\nthis is not a variable\nALSO=two words\n" });
    const target: Record<string, string | undefined> = {};
    loadEnvironment({ baseDir: root, mode: "development", target });
    expect(target).toEqual({ GOOD: "1", ALSO: "two words" });
  });

  it("does not read another mode's file", () => {
    const root = makeProject({ "config/.env.production": "ONLY_PROD=1\n" });
    const target: Record<string, string | undefined> = {};
    expect(loadEnvironment({ baseDir: root, mode: "development", target }).files).toEqual([]);
    expect(target).toEqual({});
  });
});

describe("resolveMode", () => {
  const project = parseProjectConfig(`[spoc]\nmode = "staging"\n`, "config/spoc.toml");

  it("prefers an explicit mode over everything", () => {
    const root = makeProject({ "config/.env": "SPOC_MODE=production\n" });
    expect(resolveMode({ baseDir: root, project, explicit: "development", env: { SPOC_MODE: "test" } })).toEqual({
      mode: "development",
      source: "option",
    });
  });

  it("then SPOC_MODE from the process environment", () => {
    const root = makeProject({ "config/.env": "SPOC_MODE=production\n" });
    expect(resolveMode({ baseDir: root, project, env: { SPOC_MODE: "development" } })).toEqual({
      mode: "development",
      source: "SPOC_MODE",
    });
  });

  it("then SPOC_MODE from config/.env", () => {
    const root = makeProject({ "config/.env": "SPOC_MODE=production\n" });
    expect(resolveMode({ baseDir: root, project, env: {} })).toEqual({ mode: "production", source: "config/.env" });
  });

  it("then spoc.toml's mode", () => {
    expect(resolveMode({ baseDir: makeProject(), project, env: {} })).toEqual({
      mode: "staging",
      source: "config/spoc.toml",
    });
  });

  it("then development", () => {
    expect(resolveMode({ baseDir: makeProject(), env: {} })).toEqual({ mode: "development", source: "default" });
  });

  it("reads process.env by default", () => {
    process.env["SPOC_MODE"] = "production";
    expect(resolveMode({ baseDir: makeProject(), project }).mode).toBe("production");
  });
});

describe("resolveDebug", () => {
  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["0", false],
  ])("DEBUG=%s gives %s", (raw, expected) => {
    expect(resolveDebug({ DEBUG: raw }, !expected)).toBe(expected);
  });

  it("falls back to spoc.toml when DEBUG is unset", () => {
    expect(resolveDebug({}, true)).toBe(true);
    expect(resolveDebug({}, false)).toBe(false);
  });

  it("rejects other values naming DEBUG", () => {
    const error = catchConfigError(() => resolveDebug({ DEBUG: "maybe" }, false));
    expect(error.code).toBe(ErrorCode.InvalidEnvironment);
    expect(error.message).toBe('DEBUG must be true, false, 1 or 0, got "maybe"');
  });
});
