import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import { env, loadConfig, type Settings } from "../../src/config/index.ts";
import { catchConfigErrorAsync, isolateEnvironment, makeProject } from "./_helpers.ts";

isolateEnvironment();

const TOML = `
[spoc]
mode = "staging"
debug = false
[spoc.apps]
production = ["users"]
staging = ["metrics"]
development = ["blog"]
[spoc.plugins]
middleware = ["framework/plugins:timing"]
`;

function clearModeVariables(): void {
  for (const name of ["SPOC_MODE", "DEBUG", "DB_PORT", "DB_ENGINE", "GREETING"]) delete process.env[name];
}

describe("loadConfig", () => {
  it("loads toml, mode, environment, settings, apps and plugin refs", async () => {
    clearModeVariables();
    const root = makeProject({
      "config/spoc.toml": TOML,
      "config/.env": "GREETING=hello\n",
      "config/.env.staging": "DB_PORT=6543\n",
    });
    const loaded = await loadConfig({
      baseDir: root,
      loadSettings: async () => ({
        installedApps: ["core"],
        plugins: { middleware: ["framework/cors:cors"] },
        database: { port: env.int("DB_PORT") },
      }),
    });
    expect(loaded.mode).toBe("staging");
    expect(loaded.debug).toBe(false);
    expect(loaded.installedApps).toEqual(["core", "users", "metrics"]);
    expect(loaded.pluginRefs).toEqual({ middleware: ["framework/plugins:timing", "framework/cors:cors"] });
    expect(loaded.environment).toEqual({
      files: ["config/.env", "config/.env.staging"],
      variables: { GREETING: "hello", DB_PORT: "6543" },
    });
    expect(loaded.settings["database"]).toEqual({ port: 6543 });
    expect(loaded.project.apps["development"]).toEqual(["blog"]);
    expect(loaded.warnings).toEqual([]);
  });

  it("applies the environment before importing a settings module that reads it", async () => {
    clearModeVariables();
    const root = makeProject({
      "config/spoc.toml": TOML,
      "config/.env": "DB_ENGINE=postgres\n",
      "config/settings.ts": [
        `import { defineSettings, env } from ${JSON.stringify(join(process.cwd(), "src/config/index.ts"))};`,
        `export default defineSettings({ installedApps: ["core"], database: { engine: env.oneOf("DB_ENGINE", ["sqlite", "postgres"]) } });`,
      ].join("\n"),
    });
    const loaded = await loadConfig({
      baseDir: root,
      loadSettings: async () =>
        ((await import(pathToFileURL(join(root, "config/settings.ts")).href)) as { default: Settings }).default,
    });
    expect(loaded.settings["database"]).toEqual({ engine: "postgres" });
  });

  it("lets the explicit mode win over SPOC_MODE, config/.env and spoc.toml", async () => {
    clearModeVariables();
    process.env["SPOC_MODE"] = "staging";
    const root = makeProject({
      "config/spoc.toml": TOML,
      "config/.env": "SPOC_MODE=staging\n",
      "config/.env.production": "ONLY_PROD=yes\n",
    });
    const loaded = await loadConfig({ baseDir: root, mode: "production", loadSettings: async () => ({}) });
    expect(loaded.mode).toBe("production");
    expect(loaded.installedApps).toEqual(["users"]);
    expect(loaded.environment.files).toEqual(["config/.env", "config/.env.production"]);
    expect(process.env["ONLY_PROD"]).toBe("yes");
  });

  it("takes SPOC_MODE from config/.env over spoc.toml", async () => {
    clearModeVariables();
    const root = makeProject({ "config/spoc.toml": TOML, "config/.env": "SPOC_MODE=development\n" });
    const loaded = await loadConfig({ baseDir: root, loadSettings: async () => ({}) });
    expect(loaded.mode).toBe("development");
    expect(loaded.installedApps).toEqual(["users", "metrics", "blog"]);
  });

  it("keeps a process variable over both .env files", async () => {
    clearModeVariables();
    process.env["DB_PORT"] = "1111";
    const root = makeProject({
      "config/spoc.toml": TOML,
      "config/.env": "DB_PORT=2222\n",
      "config/.env.staging": "DB_PORT=3333\n",
    });
    const loaded = await loadConfig({ baseDir: root, loadSettings: async () => ({ port: env.int("DB_PORT") }) });
    expect(loaded.settings["port"]).toBe(1111);
    expect(loaded.environment.variables).toEqual({});
  });

  it("rejects an unknown SPOC_MODE, naming it, its source and the known modes", async () => {
    clearModeVariables();
    process.env["SPOC_MODE"] = "prod";
    const root = makeProject({ "config/spoc.toml": TOML });
    let settingsLoaded = false;
    const error = await catchConfigErrorAsync(() =>
      loadConfig({
        baseDir: root,
        loadSettings: async () => {
          settingsLoaded = true;
          return {};
        },
      }),
    );
    expect(error.code).toBe(ErrorCode.UnknownMode);
    expect(error.message).toContain('"prod"');
    expect(error.message).toContain("SPOC_MODE");
    expect(error.message).toContain("known modes: development, production, staging");
    expect(settingsLoaded).toBe(false);
  });

  it("lets DEBUG override spoc.toml's debug", async () => {
    clearModeVariables();
    const root = makeProject({ "config/spoc.toml": TOML, "config/.env": "DEBUG=1\n" });
    expect((await loadConfig({ baseDir: root, loadSettings: async () => ({}) })).debug).toBe(true);
    process.env["DEBUG"] = "false";
    const tomlDebug = makeProject({ "config/spoc.toml": TOML.replace("debug = false", "debug = true") });
    expect((await loadConfig({ baseDir: tomlDebug, loadSettings: async () => ({}) })).debug).toBe(false);
  });

  it("runs on defaults with one warning per missing file", async () => {
    clearModeVariables();
    const loaded = await loadConfig({ baseDir: makeProject(), loadSettings: async () => undefined });
    expect(loaded.mode).toBe("development");
    expect(loaded.debug).toBe(false);
    expect(loaded.installedApps).toEqual([]);
    expect(loaded.settings).toEqual({});
    expect(loaded.warnings).toHaveLength(2);
    expect(loaded.warnings[0]).toContain("config/spoc.toml not found");
    expect(loaded.warnings[1]).toContain("config/settings.ts");
  });

  it("passes a missing variable's error through from settings", async () => {
    clearModeVariables();
    const root = makeProject({ "config/spoc.toml": TOML });
    const error = await catchConfigErrorAsync(() =>
      loadConfig({ baseDir: root, loadSettings: async () => ({ port: env.int("DB_PORT") }) }),
    );
    expect(error.code).toBe(ErrorCode.InvalidEnvironment);
    expect(error.message).toContain("DB_PORT");
  });

  it("wraps other settings failures, naming config/settings.ts", async () => {
    clearModeVariables();
    const root = makeProject({ "config/spoc.toml": TOML });
    const error = await catchConfigErrorAsync(() =>
      loadConfig({
        baseDir: root,
        loadSettings: async () => {
          throw new TypeError("settings exploded");
        },
      }),
    );
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain("config/settings.ts");
    expect(error.message).toContain("settings exploded");
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("reports an invalid spoc.toml with its location", async () => {
    clearModeVariables();
    const root = makeProject({ "config/spoc.toml": "[spoc]\nmode = 3\n" });
    const error = await catchConfigErrorAsync(() => loadConfig({ baseDir: root, loadSettings: async () => ({}) }));
    expect(error.location).toEqual({ file: "config/spoc.toml", line: 2, column: 1 });
  });
});
