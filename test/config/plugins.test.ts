import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.ts";
import {
  importPluginFromDisk,
  parseProjectConfig,
  parsePluginRef,
  pluginRefs,
  resolvePlugins,
} from "../../src/config/index.ts";
import { catchConfigError, catchConfigErrorAsync, isolateEnvironment, makeProject } from "./_helpers.ts";

isolateEnvironment();

describe("pluginRefs", () => {
  it("puts spoc.toml groups first, then settings, each ref once", () => {
    const config = parseProjectConfig(
      `[spoc.plugins]\nmiddleware = ["framework/plugins:timing", "framework/plugins:auth"]\ncommands = ["framework/cli:migrate"]\n`,
      "config/spoc.toml",
    );
    const refs = pluginRefs(config, {
      plugins: { graphql: ["apps/users/schema:types"], middleware: ["framework/plugins:auth", "framework/cors:cors"] },
    });
    expect(refs).toEqual({
      middleware: ["framework/plugins:timing", "framework/plugins:auth", "framework/cors:cors"],
      commands: ["framework/cli:migrate"],
      graphql: ["apps/users/schema:types"],
    });
    expect(Object.keys(refs)).toEqual(["middleware", "commands", "graphql"]);
  });

  it("is empty without plugins", () => {
    expect(pluginRefs(parseProjectConfig("", "config/spoc.toml"), {})).toEqual({});
  });
});

describe("parsePluginRef", () => {
  it("splits path and export", () => {
    expect(parsePluginRef("framework/plugins:requestTiming")).toEqual({
      ref: "framework/plugins:requestTiming",
      path: "framework/plugins",
      exportName: "requestTiming",
    });
    expect(parsePluginRef("framework/plugins.ts:default").path).toBe("framework/plugins.ts");
  });

  it.each(["framework/plugins", "framework/plugins:", ":x", "a:b:c", "a:1x", "a b:c"])(
    "rejects %j, naming it",
    (ref) => {
      const error = catchConfigError(() => parsePluginRef(ref));
      expect(error.code).toBe(ErrorCode.UnresolvedPlugin);
      expect(error.message).toContain(`"${ref}"`);
      expect(error.message).toContain("path/from/root[.ts]:exportName");
    },
  );

  it.each(["/etc/passwd:x", "../outside:x", "a/../../b:x"])("rejects %j, outside the project", (ref) => {
    expect(catchConfigError(() => parsePluginRef(ref)).message).toContain("inside the project");
  });
});

describe("resolvePlugins", () => {
  it("loads every ref by group, in order", async () => {
    const seen: string[] = [];
    const resolved = await resolvePlugins({ a: ["x:one", "x:two"], b: ["y:three"] }, async (ref) => {
      seen.push(ref);
      return ref.toUpperCase();
    });
    expect(resolved).toEqual({ a: ["X:ONE", "X:TWO"], b: ["Y:THREE"] });
    expect(seen).toEqual(["x:one", "x:two", "y:three"]);
  });

  it("wraps a loader failure naming the ref and group", async () => {
    const error = await catchConfigErrorAsync(() =>
      resolvePlugins({ middleware: ["framework/plugins:timing"] }, async () => {
        throw new Error("boom");
      }),
    );
    expect(error.code).toBe(ErrorCode.UnresolvedPlugin);
    expect(error.message).toContain('"framework/plugins:timing"');
    expect(error.message).toContain('"middleware"');
    expect(error.message).toContain("boom");
  });

  it("rejects a ref resolving to undefined", async () => {
    const error = await catchConfigErrorAsync(() => resolvePlugins({ g: ["a:b"] }, async () => undefined));
    expect(error.code).toBe(ErrorCode.UnresolvedPlugin);
    expect(error.message).toContain('"a:b"');
  });

  it("rejects a malformed ref before loading", async () => {
    let called = false;
    const error = await catchConfigErrorAsync(() =>
      resolvePlugins({ g: ["nocolon"] }, async () => {
        called = true;
        return 1;
      }),
    );
    expect(error.message).toContain('"nocolon"');
    expect(called).toBe(false);
  });
});

describe("importPluginFromDisk", () => {
  const files = {
    "framework/plugins.ts": "export const requestTiming = { name: 'timing' };\nexport const other = 1;\n",
    "framework/auth/index.ts": "export const auth = 'auth';\n",
    "framework/legacy.js": "export const legacy = 'js';\n",
  };

  it("imports path.ts, path/index.ts and path.js", async () => {
    const root = makeProject(files);
    const resolved = await resolvePlugins(
      {
        middleware: [
          "framework/plugins:requestTiming",
          "framework/auth:auth",
          "framework/legacy:legacy",
          "framework/plugins.ts:other",
        ],
      },
      importPluginFromDisk(root),
    );
    expect(resolved).toEqual({ middleware: [{ name: "timing" }, "auth", "js", 1] });
  });

  it("names the ref and the files tried when the file is missing", async () => {
    const root = makeProject(files);
    const error = await catchConfigErrorAsync(() => importPluginFromDisk(root)("framework/nope:x"));
    expect(error.code).toBe(ErrorCode.UnresolvedPlugin);
    expect(error.message).toContain('"framework/nope:x"');
    expect(error.message).toContain("framework/nope.ts, framework/nope/index.ts, framework/nope.js");
  });

  it("names the ref and the available exports when the export is missing", async () => {
    const root = makeProject(files);
    const error = await catchConfigErrorAsync(() => importPluginFromDisk(root)("framework/plugins:requestTimming"));
    expect(error.code).toBe(ErrorCode.UnresolvedPlugin);
    expect(error.message).toContain('"framework/plugins:requestTimming"');
    expect(error.message).toContain("other, requestTiming");
    expect(error.location?.file).toBe("framework/plugins.ts");
  });

  it("wraps an import failure", async () => {
    const root = makeProject({ "framework/broken.ts": "throw new Error('module exploded');\nexport const x = 1;\n" });
    const error = await catchConfigErrorAsync(() => importPluginFromDisk(root)("framework/broken:x"));
    expect(error.code).toBe(ErrorCode.UnresolvedPlugin);
    expect(error.message).toContain("module exploded");
    expect(error.message).toContain('"framework/broken:x"');
  });
});
