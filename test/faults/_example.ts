/** A built copy of the example and ways to run it, signal it and look at what it leaves. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isRunning } from "../_pid.ts";
import { copyProject as copyExample, demoEnv as cleanEnv, repoRoot } from "../example/_project.ts";

export { repoRoot };

/** A clean environment (see ../example/_project.ts), with a short worker window. */
export function demoEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // A worker still loading its modules when the signal comes can take over 1.5 s to stop on a
  // loaded machine: these tests judge that it stops cleanly, not how fast.
  return cleanEnv({ DEMO_WORKER_WINDOW_MS: "300", DEMO_STOP_BUDGET_MS: "15000", ...extra });
}

/** A copy of the files git would commit, node_modules linked back. */
export function copyProject(): Promise<string> {
  return copyExample("spoc-faults-");
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running command: its output so far, a wait for a marker, and its end. */
export interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once stdout contains `marker`; rejects when the process ends first. */
  waitFor(marker: string): Promise<void>;
  readonly finished: Promise<Finished>;
}

export function start(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; detached?: boolean } = {},
): Running {
  const child = spawn(command, args, {
    cwd,
    env: options.env ?? demoEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let stdout = "";
  let stderr = "";
  const waiters: { marker: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  const settle = (): void => {
    for (const waiter of [...waiters]) {
      if (!stdout.includes(waiter.marker)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    settle();
  });
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const finished = new Promise<Finished>((resolve) => {
    child.on("close", (code, signal) => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`ended before "${waiter.marker}":\n${stdout}\n${stderr}`));
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    output: () => stdout,
    waitFor: (marker) =>
      new Promise((resolve, reject) => {
        waiters.push({ marker, resolve, reject });
        settle();
      }),
    finished,
  };
}

/** Every process below `pid` (children, grandchildren…), from `ps`. */
export function descendants(pid: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const visit = (parent: number): void => {
    for (const [child, ppid] of table) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** Waits until none of `pids` runs; the ones still running after `timeoutMs`. */
export async function survivors(pids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Files a run may leave behind by mistake: temporary files, lock files, build folders. */
export async function leftovers(project: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of [".", "generated", "var", "out"]) {
    const names = await readdir(join(project, folder)).catch(() => [] as string[]);
    for (const name of names) {
      if (/\.tmp$|\.lock$|^\.out-/.test(name)) found.push(`${folder}/${name}`);
    }
  }
  return found;
}
