import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockDatabase } from "../../framework/database-lock.ts";

const folders: string[] = [];
function database(): string {
  const folder = mkdtempSync(join(tmpdir(), "spoc-lock-"));
  folders.push(folder);
  return join(folder, "app.db");
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A child process that takes and releases the lock `rounds` times, as fast as it can. */
function churn(file: string, rounds: number): Promise<number | null> {
  const script = `
    const { lockDatabase } = await import(${JSON.stringify(new URL("../../framework/database-lock.ts", import.meta.url).href)});
    for (let i = 0; i < ${rounds}; i++) lockDatabase(${JSON.stringify(file)}).release();
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: "inherit" });
  return new Promise((resolve) => child.on("exit", resolve));
}

describe("lockDatabase", () => {
  it("refuses a second holder, naming the process that holds the database", () => {
    const file = database();
    writeFileSync(`${file}.lock`, `${JSON.stringify({ pid: process.ppid, command: "node main.js", since: "then" })}\n`);
    expect(() => lockDatabase(file)).toThrow(/is in use by process \d+ \(node main\.js\)/);
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it("takes over the lock of a process that is gone, and removes it on release", () => {
    const file = database();
    writeFileSync(`${file}.lock`, `${JSON.stringify({ pid: 2 ** 22 + 1, command: "killed", since: "then" })}\n`);
    const lock = lockDatabase(file);
    expect(JSON.parse(readFileSync(`${file}.lock`, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("never shows another run a lock file half written (which it would take for a stale one)", async () => {
    const file = database();
    const done = churn(file, 3000);
    let seen = 0;
    let unreadable = 0;
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    while (!finished) {
      try {
        const text = readFileSync(`${file}.lock`, "utf8");
        seen++;
        try {
          JSON.parse(text);
        } catch {
          unreadable++;
        }
      } catch {
        // not there at this instant
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await done).toBe(0);
    expect(seen).toBeGreaterThan(0);
    expect(unreadable).toBe(0);
  }, 60_000);
});
