/**
 * `DB_ENGINE` and the PostgreSQL settings at startup: a server that does not answer is one
 * clear error naming its host and port (no hang: a connection that gets no answer times out),
 * an unknown engine names the supported ones, and wrong or missing values are named. A file of
 * its own: settings read the environment once, when spoc imports them.
 */
import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Framework } from "spoc";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { schema } from "../../config/schema.ts";
import { acquireDatabase, database, openDatabase } from "../../framework/database.ts";
import { registry } from "../../generated/registry.ts";

/** A TCP server that accepts connections and never answers: what a hung server looks like. */
let silent: Server;
let port: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as { port: number }).port;
});

// The first test's DB_* variables end with it: the tests after it run on the environment as it was.
afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

it("stops the start with DatabaseUnreachable naming host and port when PostgreSQL does not answer", async () => {
  vi.stubEnv("DB_ENGINE", "postgres");
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("DB_HOST", "127.0.0.1");
  vi.stubEnv("DB_PORT", String(port));
  vi.stubEnv("DB_USER", "blog");
  vi.stubEnv("DB_PASSWORD", "s3cret");
  vi.stubEnv("DB_NAME", "blog_platform");
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    const start = Framework.start({
      baseDir: fileURLToPath(new URL("../../", import.meta.url)),
      schema,
      registry,
      mode: "development",
    });
    await expect(start).rejects.toMatchObject({
      cause: {
        name: "ConfigError",
        code: "SPOC121",
        message: expect.stringContaining(
          `cannot connect to the PostgreSQL database postgres://blog@127.0.0.1:${port}/blog_platform`,
        ),
        hint: expect.stringContaining("start the server, or set DATABASE_URL"),
      },
    });
    await expect(start).rejects.not.toThrow("s3cret");
    expect(() => database()).toThrow("the database is not open");
  } finally {
    spy.mockRestore();
  }
}, 30_000);

it("names the supported engines for an unknown DB_ENGINE", async () => {
  await expect(acquireDatabase({ engine: "mysql", name: "blog" })).rejects.toMatchObject({
    code: "SPOC105",
    message: 'database engine "mysql" (DB_ENGINE) is not supported; supported: sqlite, postgres',
  });
});

it("names DB_NAME when PostgreSQL has no database name and no DATABASE_URL", () => {
  expect(() => openDatabase({ engine: "postgres", name: "" })).toThrow(
    expect.objectContaining({ code: "SPOC105", message: "DB_NAME is not set; PostgreSQL needs the database's name" }),
  );
});

it("names DATABASE_URL when it is not a postgres:// URL", () => {
  expect(() => openDatabase({ engine: "postgres", name: "", url: "mysql://db/blog" })).toThrow(
    expect.objectContaining({
      code: "SPOC105",
      message: expect.stringContaining("DATABASE_URL must be a postgres:// URL"),
    }),
  );
  expect(() => openDatabase({ engine: "postgres", name: "", url: "not a url" })).toThrow(
    expect.objectContaining({ code: "SPOC105", message: "DATABASE_URL is not a valid URL" }),
  );
});

it("names DB_NAME when the database file cannot be created", async () => {
  const blocker = fileURLToPath(new URL("../../package.json", import.meta.url));
  expect(() => openDatabase({ engine: "sqlite", name: `${blocker}/inside/blog.db` })).toThrow(
    expect.objectContaining({
      code: "SPOC105",
      message: expect.stringContaining(`cannot open the database file "${blocker}/inside/blog.db" (DB_NAME)`),
    }),
  );
});
