/** Databases of their own for test files, on one PostgreSQL server. */
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  /** A URL for the new database on the same server. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, ending its connections first. */
  drop(): Promise<void>;
}

/** A new, empty database on the server at `server`. */
export async function createTestDatabase(server: string): Promise<TestDatabase> {
  const name = `spoc_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await adminQuery(server, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(server: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Runs one query on a short-lived connection and returns its rows. */
export async function query<Row extends object>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
