import { expect, it } from "vitest";
import * as config from "../../src/config/index.ts";

it("exports exactly the public API", () => {
  expect(Object.keys(config).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_MODE",
      "DEFAULT_MODES",
      "PROJECT_CONFIG_FILE",
      "SETTINGS_FILE",
      "appModes",
      "defaultProjectConfig",
      "defineSettings",
      "env",
      "importPluginFromDisk",
      "installedApps",
      "knownModes",
      "loadConfig",
      "loadEnvironment",
      "locateTomlKey",
      "modeCascade",
      "parsePluginRef",
      "parseProjectConfig",
      "pluginRefs",
      "readProjectConfig",
      "resolveDebug",
      "resolveMode",
      "resolvePlugins",
      "validateSettings",
    ]
  `);
});
