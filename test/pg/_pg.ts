/**
 * What every PostgreSQL test file uses: the shared server from `SPOC_TEST_PG_URL` (set by
 * `npx tsx test/pg/_server.ts npm test`, as `.ci/run` does), and a database of its own per
 * file so that files run in parallel without seeing each other's jobs.
 *
 * Without the variable the PostgreSQL suites are skipped with the reason printed, except
 * under CI (`CI=true`), where a missing server is a failure, never a silent skip.
 */
import { describe } from "vitest";
import { PG_URL_VARIABLE } from "./_server.ts";

const serverUrl = process.env[PG_URL_VARIABLE];
const underCi = process.env["CI"] === "true" || process.env["CI"] === "1";

if (!serverUrl && underCi) {
  throw new Error(
    `${PG_URL_VARIABLE} is not set under CI: the PostgreSQL suite must run there; .ci/run starts the server with test/pg/_server.ts`,
  );
}
if (!serverUrl) {
  console.warn(
    `PostgreSQL tests skipped: ${PG_URL_VARIABLE} is not set. Run them with: npx tsx test/pg/_server.ts npx vitest run test/pg`,
  );
}

/** `describe`, skipped (with the reason printed once) when there is no PostgreSQL server. */
export const describePg = serverUrl ? describe : describe.skip;

/** The shared server's URL; only call inside a {@link describePg} block. */
export function sharedServerUrl(): string {
  if (!serverUrl) throw new Error(`${PG_URL_VARIABLE} is not set`);
  return serverUrl;
}

export { createTestDatabase, query, type TestDatabase } from "./_db.ts";
