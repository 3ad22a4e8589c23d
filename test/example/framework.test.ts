/**
 * The blog platform started through `Framework.start` with its real schema and generated
 * registry: the models hooks open and migrate the database, the services hook lets views
 * find services, and shutdown closes everything again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { Framework } from "spoc";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { schema } from "../../config/schema.ts";
import { database } from "../../framework/database.ts";
import { getService } from "../../framework/services.ts";
import { registry } from "../../generated/registry.ts";
import { alice } from "./_helpers.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "spoc-blog-framework-"));
  vi.stubEnv("DB_ENGINE", "sqlite");
  vi.stubEnv("DB_NAME", join(dir, "blog.db"));
  vi.stubEnv("EMAIL_HOST", "");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

it("starts with hooks in load order, serves views from services, shuts down in reverse, and keeps the data for the next start", async () => {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  let framework: Framework | undefined;
  try {
    framework = await Framework.start({ baseDir: repoRoot, schema, registry, mode: "development" });
    expect(framework.installedApps).toEqual(["users", "blog"]);
    expect(lines).toEqual([
      "  [Database] Initializing tables for: users.models",
      "  [Views] Loaded: users.views",
      "  [Services] Initializing: users.services",
      "  [Workers] Registered: users.workers",
      "  [Database] Initializing tables for: blog.models",
      "  [Views] Loaded: blog.views",
      "  [Services] Initializing: blog.services",
      "  [Workers] Registered: blog.workers",
    ]);

    const { rows } = await sql<{ n: number }>`select count(*) as n from schema_migrations`.execute(database());
    expect(rows[0]?.n).toBe(5);
    const registerUser = framework.getComponent("views", "users.registerUser");
    expect(await registerUser(alice)).toMatchObject({ status: 201, data: { username: "alice" } });
    const UserService = framework.getComponent("services", "users.UserService");
    expect(getService("users.UserService")).toBe(UserService);
    expect((await new UserService().listUsers()).map((user) => user.username)).toEqual(["alice"]);

    lines.length = 0;
    await framework.shutdown();
    expect(lines).toEqual([
      "  [Database] Closing connections for: blog.models",
      "  [Database] Closing connections for: users.models",
    ]);
    expect(() => database()).toThrow("the database is not open");
    expect(() => getService("users.UserService")).toThrow('service "users.UserService" is not available');

    // Started again on the same file: the data is kept, and no migration runs twice.
    framework = await Framework.start({ baseDir: repoRoot, schema, registry, mode: "development" });
    const RestartedUserService = framework.getComponent("services", "users.UserService");
    expect((await new RestartedUserService().listUsers()).map((user) => user.username)).toEqual(["alice"]);
    const { rows: migrations } = await sql<{ n: number }>`select count(*) as n from schema_migrations`.execute(
      database(),
    );
    expect(migrations[0]?.n).toBe(5);
    await framework.shutdown();
  } finally {
    await framework?.shutdown();
    spy.mockRestore();
  }
});
