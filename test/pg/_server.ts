/**
 * A throwaway PostgreSQL server for the PostgreSQL tests: Debian's `postgresql` package,
 * a cluster initialised in a temporary folder, listening on a free loopback port, removed
 * when it stops.
 *
 * As a script it wraps a command (what `.ci/run` does):
 *
 *     npx tsx test/pg/_server.ts npm test
 *
 * installs PostgreSQL when it is missing (as root, from Debian's packages), starts a
 * cluster, runs the command with `SPOC_TEST_PG_URL` set, and stops and removes the cluster
 * whatever happened (exit, error, Ctrl-C, SIGTERM). Tests that need a server of their own
 * (to restart it) call {@link startPostgres}.
 */
import { execFile, spawn } from "node:child_process";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The variable that tells the tests where the shared server is. */
export const PG_URL_VARIABLE = "SPOC_TEST_PG_URL";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops the server (fast shutdown) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server, keeping its data. */
  halt(): Promise<void>;
  /** Starts a halted server again. */
  resume(): Promise<void>;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Where Debian puts the server binaries (`/usr/lib/postgresql/<major>/bin`), newest first. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, "bin");
    if (existsSync(join(bin, "pg_ctl")) && existsSync(join(bin, "initdb"))) return bin;
  }
  return undefined;
}

/** Installs Debian's `postgresql` when its binaries are missing; only root can. */
export async function installPostgres(): Promise<string> {
  const found = findPostgresBin();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("PostgreSQL is not installed; install it with: sudo apt-get install -y postgresql");
  }
  console.error("== installing PostgreSQL (apt-get install postgresql)");
  await run("apt-get", ["update", "-qq"], { maxBuffer: 64 << 20 });
  await run("apt-get", ["install", "-y", "-qq", "postgresql"], {
    maxBuffer: 64 << 20,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  const bin = findPostgresBin();
  if (!bin) throw new Error("apt-get installed postgresql but no /usr/lib/postgresql/<version>/bin/pg_ctl was found");
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** PostgreSQL refuses to run as root: as root, commands run as the `postgres` user. */
async function asPostgres(command: string, args: readonly string[]): Promise<void> {
  const quoted = [command, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  if (process.getuid?.() === 0 && userInfo().username !== "postgres") {
    await run("su", ["postgres", "-s", "/bin/sh", "-c", quoted], { maxBuffer: 16 << 20 });
  } else {
    await run(command, [...args], { maxBuffer: 16 << 20 });
  }
}

/** Initialises a cluster in a temporary folder and starts it on a free loopback port. */
export async function startPostgres(options: { bin?: string } = {}): Promise<PostgresServer> {
  const bin = options.bin ?? findPostgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/pg_ctl)");
  const dir = await mkdtemp(join(tmpdir(), "spoc-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  if (process.getuid?.() === 0) {
    await chmod(dir, 0o755);
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  const host = "127.0.0.1";
  const pgCtl = join(bin, "pg_ctl");
  await asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  // fsync off: a test cluster trades durability for speed; the socket stays in our folder.
  const serverOptions = `-h ${host} -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c max_connections=200`;
  const start = () => asPostgres(pgCtl, ["-D", data, "-l", log, "-o", serverOptions, "-w", "-t", "60", "start"]);
  const halt = () => asPostgres(pgCtl, ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
  let stopped = false;
  await start();
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    host,
    port,
    halt,
    resume: start,
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The script: start a server, run the command with `SPOC_TEST_PG_URL`, always clean up. */
async function wrap(command: readonly string[]): Promise<number> {
  const bin = await installPostgres();
  const server = await startPostgres({ bin });
  console.error(`== PostgreSQL on ${server.host}:${server.port} (${PG_URL_VARIABLE})`);
  let child: ReturnType<typeof spawn> | undefined;
  const forward = (signal: NodeJS.Signals) => child?.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  try {
    const [program = "true", ...args] = command;
    child = spawn(program, args, { stdio: "inherit", env: { ...process.env, [PG_URL_VARIABLE]: server.url } });
    const spawned = child;
    return await new Promise<number>((resolve) => {
      spawned.once("error", (error) => {
        console.error(`cannot run ${program}: ${error.message}`);
        resolve(127);
      });
      spawned.once("exit", (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
  } finally {
    await server.stop();
    console.error("== PostgreSQL stopped and removed");
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  wrap(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`cannot start PostgreSQL for the tests: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
