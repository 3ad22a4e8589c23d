import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { DEFAULT_MODES, defaultProjectConfig, parseProjectConfig, readProjectConfig } from "../../src/config/index.ts";
import { catchConfigError, isolateEnvironment, makeProject } from "./_helpers.ts";

const FILE = "config/spoc.toml";
const parse = (text: string) => parseProjectConfig(text, FILE);
const fail = (text: string) => catchConfigError(() => parse(text));

describe("parseProjectConfig", () => {
  it("reads the full shape", () => {
    const config = parse(`
[spoc]
mode = "production"
debug = true
[spoc.apps]
production = ["users"]
staging = []
development = ["blog"]
[spoc.plugins]
middleware = ["framework/plugins:requestTiming"]
[spoc.modes]
test = ["test", "production"]
[spoc.check]
ignore = ["SPOC003"]
[spoc.rules]
encapsulated = ["users"]
[spoc.rules.apps]
blog = ["users"]
users = []
`);
    expect(config).toEqual({
      mode: "production",
      debug: true,
      apps: { development: ["blog"], production: ["users"], staging: [], test: [] },
      plugins: { middleware: ["framework/plugins:requestTiming"] },
      modes: { ...DEFAULT_MODES, test: ["test", "production"] },
      checkIgnore: ["SPOC003"],
      appRules: { dependencies: { blog: ["users"], users: [] }, encapsulated: ["users"] },
    });
  });

  it("fills defaults for an empty file and for an empty [spoc]", () => {
    const defaults = {
      mode: "development",
      debug: false,
      apps: { development: [], production: [], staging: [] },
      plugins: {},
      modes: {
        production: ["production"],
        staging: ["staging", "production"],
        development: ["development", "staging", "production"],
      },
      checkIgnore: [],
      appRules: { dependencies: {}, encapsulated: [] },
    };
    expect(parse("")).toEqual(defaults);
    expect(parse("[spoc]\n")).toEqual(defaults);
    expect(defaultProjectConfig()).toEqual(defaults);
  });

  it("keeps plugin groups in file order", () => {
    const config = parse(`[spoc.plugins]\nzeta = ["a:b"]\nalpha = ["c:d"]\n`);
    expect(Object.keys(config.plugins)).toEqual(["zeta", "alpha"]);
  });

  it("reports invalid TOML with file, line and column", () => {
    const error = fail(`[spoc]\nmode = "development"\ndebug = tru\n`);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.location).toEqual({ file: FILE, line: 3, column: 9 });
    expect(error.message).toContain("config/spoc.toml:3:9");
    expect(error.hint).toBeDefined();
  });

  it("reports an unclosed table header at its line", () => {
    const error = fail(`# comment\n[spoc\nmode = "development"\n`);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.location?.line).toBe(2);
    expect(error.location?.file).toBe(FILE);
  });

  it("rejects mode = 3 and points at the key", () => {
    const error = fail(`[spoc]\ndebug = false\nmode = 3\n`);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toMatch(/mode must be a string, got an integer \(3\)/);
    expect(error.location).toEqual({ file: FILE, line: 3, column: 1 });
  });

  it("rejects a non-boolean debug", () => {
    const error = fail(`[spoc]\ndebug = "yes"\n`);
    expect(error.message).toMatch(/debug must be true or false, got a string \("yes"\)/);
    expect(error.location?.line).toBe(2);
  });

  it("rejects an apps entry that is a string, not an array, at its line", () => {
    const error = fail(`[spoc]\nmode = "development"\n\n[spoc.apps]\n  staging = []\n  production = "users"\n`);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain("[spoc.apps] production must be an array");
    expect(error.message).toContain('"users"');
    expect(error.hint).toContain('["users"]');
    expect(error.location).toEqual({ file: FILE, line: 6, column: 3 });
  });

  it("does not confuse a key of the same name in another table", () => {
    const error = fail(`[spoc.modes]\nproduction = ["production"]\n[spoc.apps]\nproduction = "users"\n`);
    expect(error.location?.line).toBe(4);
  });

  it("finds dotted keys written under [spoc]", () => {
    const error = fail(`[spoc]\napps.production = "users"\n`);
    expect(error.location?.line).toBe(2);
  });

  it("rejects an app name that is not a string", () => {
    const error = fail(`[spoc.apps]\ndevelopment = ["blog", 3]\n`);
    expect(error.message).toContain("[spoc.apps] development[1] must be a string, got an integer (3)");
    expect(error.location?.line).toBe(2);
  });

  it("rejects [spoc.apps] for an unknown mode, listing known modes", () => {
    const error = fail(`[spoc.apps]\nprod = ["users"]\n`);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain("[spoc.apps] prod is not a known mode");
    expect(error.message).toContain("known modes: development, production, staging");
    expect(error.location?.line).toBe(2);
  });

  it("accepts [spoc.apps] for a declared mode", () => {
    const config = parse(`[spoc.modes]\ntest = ["test", "production"]\n[spoc.apps]\ntest = ["fixtures"]\n`);
    expect(config.apps["test"]).toEqual(["fixtures"]);
  });

  it("rejects unknown keys under [spoc], naming the key and the known ones", () => {
    const error = fail(`[spoc]\nmod = "development"\n`);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain('unknown key "mod" in [spoc]');
    expect(error.message).toContain("known keys: apps, check, debug, mode, modes, plugins, rules");
    expect(error.location).toEqual({ file: FILE, line: 2, column: 1 });
  });

  it("rejects [spoc.rules] entries that are not lists of app names, at their key", () => {
    const notList = fail(`[spoc.rules.apps]\nblog = "users"\n`);
    expect(notList.message).toBe('[spoc.rules.apps] blog must be an array of app names, got a string ("users")');
    expect(notList.location).toEqual({ file: FILE, line: 2, column: 1 });
    expect(fail(`[spoc.rules]\nencapsulated = "users"\n`).message).toContain(
      "[spoc.rules] encapsulated must be an array of app names",
    );
    expect(fail(`[spoc.rules]\npublic = ["users"]\n`).message).toBe(
      'unknown key "public" in [spoc.rules]; known keys: apps, encapsulated',
    );
  });

  it("rejects unknown keys under [spoc.check]", () => {
    const error = fail(`[spoc.check]\nignored = ["SPOC003"]\n`);
    expect(error.message).toContain('unknown key "ignored" in [spoc.check]');
  });

  it("rejects a mode unknown to the cascade table with UnknownMode", () => {
    const error = fail(`[spoc]\nmode = "prod"\n`);
    expect(error.code).toBe(ErrorCode.UnknownMode);
    expect(error.message).toContain('"prod"');
    expect(error.message).toContain("known modes: development, production, staging");
    expect(error.location?.line).toBe(2);
  });

  it("accepts a declared mode as the mode", () => {
    expect(parse(`[spoc]\nmode = "test"\n[spoc.modes]\ntest = ["test", "production"]\n`).mode).toBe("test");
  });

  it("rejects a declared cascade not starting with its own mode", () => {
    const error = fail(`[spoc.modes]\ntest = ["production", "test"]\n`);
    expect(error.message).toContain('[spoc.modes] test must start with "test"');
    expect(error.location?.line).toBe(2);
  });

  it("rejects a declared cascade naming an unknown mode", () => {
    const error = fail(`[spoc.modes]\ntest = ["test", "prod"]\n`);
    expect(error.message).toContain('unknown mode "prod"');
    expect(error.message).toContain("known modes: development, production, staging, test");
  });

  it("lets a declared mode cascade into another declared mode", () => {
    const config = parse(`[spoc.modes]\nci = ["ci", "test", "production"]\ntest = ["test", "production"]\n`);
    expect(config.modes["ci"]).toEqual(["ci", "test", "production"]);
  });

  it("rejects a mode name that cannot name a .env file", () => {
    const error = fail(`[spoc.modes]\n"../x" = ["../x"]\n`);
    expect(error.message).toContain("not a valid mode name");
  });

  it("validates [spoc.check] ignore codes", () => {
    expect(parse(`[spoc.check]\nignore = ["SPOC003", "SPOC010"]\n`).checkIgnore).toEqual(["SPOC003", "SPOC010"]);
    const error = fail(`[spoc.check]\nignore = ["SPOC3"]\n`);
    expect(error.message).toContain('"SPOC3"');
    expect(error.location?.line).toBe(2);
    expect(fail(`[spoc.check]\nignore = "SPOC003"\n`).message).toContain("ignore must be an array");
    const unknown = fail(`[spoc.check]\nignore = ["SPOC003", "SPOC999"]\n`);
    expect(unknown.message).toBe('[spoc.check] ignore has "SPOC999", which is not a diagnostic code');
    expect(unknown.hint).toBe('use codes from SPOC001 to SPOC021, e.g. "SPOC003"');
  });

  it("rejects plugin groups that are not arrays of strings", () => {
    const error = fail(`[spoc.plugins]\nmiddleware = "framework/plugins:requestTiming"\n`);
    expect(error.message).toContain("[spoc.plugins] middleware must be an array");
  });

  it("rejects [spoc] written as a value", () => {
    expect(fail(`spoc = 1\n`).message).toContain('"spoc" must be a table');
  });
});

describe("readProjectConfig", () => {
  isolateEnvironment();

  it("reads config/spoc.toml under the root", async () => {
    const root = makeProject({ "config/spoc.toml": `[spoc]\nmode = "staging"\n` });
    const { config, warnings } = await readProjectConfig(root);
    expect(config.mode).toBe("staging");
    expect(warnings).toEqual([]);
  });

  it("uses defaults with exactly one warning when the file is missing", async () => {
    const root = makeProject();
    const { config, warnings } = await readProjectConfig(root);
    expect(config).toEqual(defaultProjectConfig());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("config/spoc.toml");
    expect(warnings[0]).toMatch(/not found/);
    expect(warnings[0]).toMatch(/defaults/);
  });

  it("reports errors with the relative file path", async () => {
    const root = makeProject({ "config/spoc.toml": `[spoc]\nmode = 3\n` });
    await expect(readProjectConfig(root)).rejects.toMatchObject({
      code: ErrorCode.InvalidConfig,
      location: { file: "config/spoc.toml", line: 2 },
    });
  });
});
