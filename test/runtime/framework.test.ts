import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, SpocError } from "../../src/errors.ts";
import { Framework, type AnyComponentMap } from "../../src/framework.ts";
import type { Registry, RegistryModule } from "../../src/registry.ts";
import { defineSchema, schemaFingerprint, type LoadedModule, type SchemaDefinition } from "../../src/schema.ts";

let baseDir: string;
const quiet = { onWarning: () => {} };
let savedEnv: NodeJS.ProcessEnv;

beforeEach(() => {
  savedEnv = { ...process.env };
  baseDir = mkdtempSync(join(tmpdir(), "spoc-framework-"));
  mkdirSync(join(baseDir, "config"));
  writeFileSync(
    join(baseDir, "config/spoc.toml"),
    ["[spoc]", 'mode = "development"', "", "[spoc.apps]", 'production = ["users"]', 'development = ["blog"]', ""].join(
      "\n",
    ),
  );
  delete process.env.SPOC_MODE;
});

afterEach(() => {
  rmSync(baseDir, { recursive: true, force: true });
  // In place: the in-process test files share this thread and its process.env.
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

/** A registry built by hand, as the generator would write it; records every import. */
function makeRegistry(
  schema: SchemaDefinition,
  modules: Record<string, Record<string, unknown>>,
  loadOrder: string[],
  imported: string[] = [],
): Registry {
  const entries: Record<string, RegistryModule> = {};
  for (const [name, exports] of Object.entries(modules)) {
    const [app = "", module = ""] = name.split(".");
    entries[name] = {
      app,
      module,
      file: `apps/${app}/${module}.ts`,
      load: async () => {
        imported.push(name);
        return exports;
      },
    };
  }
  const kinds: Record<string, string> = { models: "model", services: "service", views: "view" };
  return {
    fingerprint: schemaFingerprint(schema),
    apps: [
      { name: "users", modes: ["development", "production", "staging"] },
      { name: "blog", modes: ["development"] },
    ],
    modules: entries,
    components: Object.entries(modules).flatMap(([name, exports]) =>
      Object.keys(exports).map((exportName) => ({
        kind: kinds[name.split(".")[1] ?? ""] ?? "model",
        key: `${name.split(".")[0]}.${exportName}`,
        module: name,
        exportName,
        file: `apps/${name.replace(".", "/")}.ts`,
        line: 1,
      })),
    ),
    loadOrder,
  };
}

class User {}
class UserService {}
class Post {}

function blogSchema(events: string[], extra: Partial<SchemaDefinition<"models" | "services">> = {}) {
  const record = (side: string) => (m: LoadedModule) => {
    events.push(`${side} ${m.name}`);
  };
  return defineSchema({
    modules: ["models", "services"],
    dependencies: { services: ["models"] },
    hooks: {
      models: { startup: record("startup"), shutdown: record("shutdown") },
      services: { startup: record("startup"), shutdown: record("shutdown") },
    },
    ...extra,
  });
}

const modules = {
  "users.models": { User },
  "users.services": { UserService },
  "blog.models": { Post },
  "blog.services": {},
};
const order = ["users.models", "users.services", "blog.models", "blog.services"];

describe("Framework.start", () => {
  it("imports modules in the registry's order and runs hooks in order, then in reverse", async () => {
    const events: string[] = [];
    const schema = blogSchema(events);
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    });
    expect(framework.installedApps).toEqual(["users", "blog"]);
    expect(framework.modules.map((m) => m.name)).toEqual(order);
    expect(events).toEqual(order.map((name) => `startup ${name}`));
    events.length = 0;
    await framework.shutdown();
    await framework.shutdown();
    expect(events).toEqual([...order].reverse().map((name) => `shutdown ${name}`));
  });

  it("reports configuration warnings to onWarning", async () => {
    const warnings: string[] = [];
    const schema = defineSchema({ modules: ["models", "services"] });
    const framework = await Framework.start<AnyComponentMap>({
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
      onWarning: (message) => void warnings.push(message),
    });
    expect(warnings).toEqual(["no config/settings.ts; installed apps come from config/spoc.toml only"]);
    await framework.shutdown();
  });

  it("takes the order from the registry and does not sort again", async () => {
    const events: string[] = [];
    const schema = blogSchema(events);
    const baked = ["blog.models", "users.models", "blog.services", "users.services"];
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, baked),
    });
    expect(framework.modules.map((m) => m.name)).toEqual(baked);
    await framework.shutdown();
  });

  it("gives hooks the loaded module itself, with its components", async () => {
    const seen: LoadedModule[] = [];
    const schema = defineSchema({
      modules: ["models", "services"],
      hooks: { models: { startup: (m) => void seen.push(m) } },
    });
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    });
    const users = seen[0];
    expect(users?.name).toBe("users.models");
    expect(users?.app).toBe("users");
    expect(users?.module).toBe("models");
    expect(users?.exports).toEqual({ User });
    expect(users?.components).toEqual({ "users.User": User });
    await framework.shutdown();
  });

  it("runs startup-only and shutdown-only hooks without failing on the missing side", async () => {
    const events: string[] = [];
    const schema = defineSchema({
      modules: ["models", "services"],
      hooks: {
        models: { startup: (m) => void events.push(`up ${m.name}`) },
        services: { shutdown: async (m) => void events.push(`down ${m.name}`) },
      },
    });
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    });
    await framework.shutdown();
    expect(events).toEqual(["up users.models", "up blog.models", "down blog.services", "down users.services"]);
  });

  it("exposes components by module and key, without any hook having fired", async () => {
    const schema = defineSchema({ modules: ["models", "services"] });
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    });
    expect(framework.getComponent("services", "users.UserService")).toBe(UserService);
    expect(framework.components.models).toEqual({ "users.User": User, "blog.Post": Post });
    expect(framework.getComponent("services", "users.Nope")).toBeUndefined();
    expect(framework.getComponent("nothing", "users.User")).toBeUndefined();
    await framework.shutdown();
  });

  it("never imports an app that is not installed in the current mode", async () => {
    const imported: string[] = [];
    const schema = defineSchema({ modules: ["models", "services"] });
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      mode: "production",
      registry: makeRegistry(schema, modules, order, imported),
    });
    expect(framework.mode).toBe("production");
    expect(framework.installedApps).toEqual(["users"]);
    expect(imported).toEqual(["users.models", "users.services"]);
    await framework.shutdown();
  });

  it("stops startup at a failing hook, naming module and hook, and shuts down what started", async () => {
    const events: string[] = [];
    const schema = defineSchema({
      modules: ["models", "services"],
      hooks: {
        models: { shutdown: (m) => void events.push(`down ${m.name}`) },
        services: {
          startup: (m) => {
            if (m.app === "blog") throw new Error("index unavailable");
          },
          shutdown: (m) => void events.push(`down ${m.name}`),
        },
      },
    });
    const error = await Framework.start({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpocError);
    expect((error as SpocError).code).toBe(ErrorCode.HookFailed);
    expect((error as SpocError).message).toBe("startup hook of blog.services failed: index unavailable");
    expect((error as SpocError).hint).toBe(
      "fix the services startup hook in config/schema.ts; the error it threw is the cause",
    );
    expect(events).toEqual(["down blog.models", "down users.services", "down users.models"]);
  });

  it("runs every shutdown hook even when one throws, then reports it", async () => {
    const events: string[] = [];
    const schema = defineSchema({
      modules: ["models", "services"],
      hooks: {
        models: { shutdown: (m) => void events.push(`down ${m.name}`) },
        services: {
          shutdown: (m) => {
            if (m.app === "blog") throw new Error("flush failed");
          },
        },
      },
    });
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    });
    await expect(framework.shutdown()).rejects.toThrowError("shutdown hook of blog.services failed: flush failed");
    expect(events).toEqual(["down blog.models", "down users.models"]);
  });

  it("reports several failing shutdown hooks at once, with a hint", async () => {
    const schema = defineSchema({
      modules: ["models", "services"],
      hooks: {
        services: {
          shutdown: (m) => {
            throw new Error(`${m.app} flush failed`);
          },
        },
      },
    });
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    });
    await expect(framework.shutdown()).rejects.toMatchObject({
      code: ErrorCode.HookFailed,
      message: expect.stringMatching(/^2 shutdown hooks failed: /),
      hint: "fix each failing shutdown hook in config/schema.ts; every hook ran, and their errors are the cause",
    });
  });

  it("in strict mode names the module file an installed app lacks", async () => {
    const schema = defineSchema({ modules: ["models", "services"] });
    const partial = { "users.models": { User }, "users.services": {}, "blog.models": { Post } };
    const registry = makeRegistry(schema, partial, ["users.models", "users.services", "blog.models"]);
    const error = await Framework.start({ ...quiet, baseDir, schema, registry }).catch((e: unknown) => e);
    expect((error as SpocError).code).toBe(ErrorCode.MissingModule);
    expect((error as SpocError).message).toBe('app "blog" has no services module: expected apps/blog/services.ts');
  });

  it("in loose mode skips the missing module", async () => {
    const schema = defineSchema({ modules: ["models", "services"], strict: false });
    const partial = { "users.models": { User }, "users.services": {}, "blog.models": { Post } };
    const registry = makeRegistry(schema, partial, ["users.models", "users.services", "blog.models"]);
    const framework = await Framework.start<AnyComponentMap>({ ...quiet, baseDir, schema, registry });
    expect(framework.modules.map((m) => m.name)).toEqual(["users.models", "users.services", "blog.models"]);
    await framework.shutdown();
  });

  it("refuses a registry generated for another schema", async () => {
    const schema = defineSchema({ modules: ["models", "services"] });
    const other = defineSchema({ modules: ["models", "services", "views"] });
    const error = await Framework.start({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(other, modules, order),
    }).catch((e: unknown) => e);
    expect((error as SpocError).code).toBe(ErrorCode.StaleRegistry);
    expect((error as SpocError).hint).toContain("npx spoc gen");
  });

  it("refuses registry files from two runs of spoc gen (one replaced, the other not)", async () => {
    const schema = defineSchema({ modules: ["models", "services"] });
    const registry = {
      ...makeRegistry(schema, modules, order),
      generation: "aaaaaaaaaaaa",
      typesGeneration: "bbbbbbbbbbbb",
    };
    const error = await Framework.start({ ...quiet, baseDir, schema, registry }).catch((e: unknown) => e);
    expect((error as SpocError).code).toBe(ErrorCode.StaleRegistry);
    expect((error as SpocError).message).toContain("two different runs of spoc gen");
    expect((error as SpocError).hint).toContain("npx spoc gen");
  });

  it("refuses a registry that does not know an installed app", async () => {
    writeFileSync(join(baseDir, "config/spoc.toml"), '[spoc.apps]\nproduction = ["users", "shop"]\n');
    const schema = defineSchema({ modules: ["models", "services"] });
    const error = await Framework.start({
      ...quiet,
      baseDir,
      schema,
      registry: makeRegistry(schema, modules, order),
    }).catch((e: unknown) => e);
    expect((error as SpocError).code).toBe(ErrorCode.StaleRegistry);
    expect((error as SpocError).message).toContain('"shop"');
  });

  it("names the file of a module that fails to import", async () => {
    const schema = defineSchema({ modules: ["models", "services"] });
    const registry = makeRegistry(schema, modules, order);
    const broken: Registry = {
      ...registry,
      modules: {
        ...registry.modules,
        "users.services": {
          app: "users",
          module: "services",
          file: "apps/users/services.ts",
          load: () => Promise.reject(new SyntaxError("Unexpected token")),
        },
      },
    };
    const error = await Framework.start({ ...quiet, baseDir, schema, registry: broken }).catch((e: unknown) => e);
    expect((error as SpocError).code).toBe(ErrorCode.ModuleLoadFailed);
    expect((error as SpocError).message).toBe(
      "module users.services (apps/users/services.ts) failed to load: Unexpected token",
    );
    expect((error as SpocError).hint).toMatch(/^fix the error in apps\/users\/services\.ts \(it is the cause\)/);
  });

  it("resolves plugins baked into the registry, toml groups first", async () => {
    writeFileSync(
      join(baseDir, "config/spoc.toml"),
      '[spoc.apps]\nproduction = ["users"]\n[spoc.plugins]\nmiddleware = ["framework/plugins:timing"]\n',
    );
    const schema = defineSchema({ modules: ["models", "services"] });
    const timing = () => "timed";
    const auth = () => "authed";
    const registry: Registry = {
      ...makeRegistry(schema, modules, order),
      plugins: [
        { ref: "framework/plugins:timing", load: async () => timing },
        { ref: "framework/plugins:auth", load: async () => auth },
      ],
    };
    const framework = await Framework.start<AnyComponentMap>({
      ...quiet,
      baseDir,
      schema,
      registry,
      settings: { installedApps: [], plugins: { middleware: ["framework/plugins:auth", "framework/plugins:timing"] } },
    });
    expect(framework.plugins).toEqual({ middleware: [timing, auth] });
    await framework.shutdown();
  });

  it("reads settings through the registry after the .env files are applied", async () => {
    writeFileSync(join(baseDir, "config/.env"), "GREETING=hello from env\n");
    const schema = defineSchema({ modules: ["models", "services"] });
    const registry: Registry = {
      ...makeRegistry(schema, modules, order),
      settings: async () => ({ default: { installedApps: ["users"], greeting: process.env.GREETING } }),
    };
    const framework = await Framework.start<AnyComponentMap>({ ...quiet, baseDir, schema, registry });
    expect(framework.config.settings).toMatchObject({ greeting: "hello from env" });
    expect(framework.installedApps).toEqual(["users", "blog"]);
    await framework.shutdown();
  });
});
