/**
 * `DB_ENGINE` set to an engine that is not supported yet stops the start with an error
 * that names the variable and the supported engines. A file of its own: settings read
 * the environment once, when spoc imports them.
 */
import { Framework } from "spoc";
import { afterAll, expect, it, vi } from "vitest";
import { fileURLToPath } from "node:url";
import { schema } from "../../config/schema.ts";
import { database } from "../../framework/database.ts";
import { registry } from "../../generated/registry.ts";

afterAll(() => {
  vi.unstubAllEnvs();
});

it("refuses DB_ENGINE=postgres at startup with a clear error", async () => {
  vi.stubEnv("DB_ENGINE", "postgres");
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    const start = Framework.start({
      baseDir: fileURLToPath(new URL("../../", import.meta.url)),
      schema,
      registry,
      mode: "development",
    });
    await expect(start).rejects.toThrow(
      'startup hook of users.models failed: database engine "postgres" (DB_ENGINE) is not supported yet; supported: sqlite',
    );
    await expect(start).rejects.toMatchObject({
      cause: { name: "ConfigError", code: "SPOC105" },
      hint: "set DB_ENGINE=sqlite in config/.env, with DB_NAME the database file",
    });
    expect(() => database()).toThrow("the database is not open");
  } finally {
    spy.mockRestore();
  }
});

it("names DB_NAME when the database file cannot be created", async () => {
  const { openDatabase } = await import("../../framework/database.ts");
  const blocker = fileURLToPath(new URL("../../package.json", import.meta.url));
  expect(() => openDatabase({ engine: "sqlite", name: `${blocker}/inside/blog.db` })).toThrow(
    expect.objectContaining({
      code: "SPOC105",
      message: expect.stringContaining(`cannot open the database file "${blocker}/inside/blog.db" (DB_NAME)`),
    }),
  );
});
