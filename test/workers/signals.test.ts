import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const script = fileURLToPath(new URL("./_server-script.ts", import.meta.url));

interface Parent {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line that matches. */
  line(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

/** Starts `_server-script.ts` as a parent process of its own, under tsx. */
function startParent(...args: string[]): Parent {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: root });
  let stdout = "";
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wait of [...waiting]) {
      const line = stdout.split("\n").find((candidate) => wait.pattern.test(candidate));
      if (line !== undefined) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve(line);
      }
    }
  });
  child.stderr.pipe(process.stderr);
  return {
    child,
    line: (pattern) => new Promise((resolve) => waiting.push({ pattern, resolve })),
    exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout }))),
  };
}

/**
 * Whether `pid` is a live process. A zombie (dead, orphaned, not yet reaped by init, which
 * may take a second in a container) counts as gone.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // ESRCH: no such process. Any other error (EPERM) answers nothing: the test fails on it.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] !== "Z";
  } catch {
    return true; // no procfs: trust kill(pid, 0)
  }
}

async function waitUntilGone(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function childPid(parent: Parent): Promise<number> {
  const { pid } = JSON.parse(await parent.line(/^\{"pid":/)) as { pid: number };
  expect(isAlive(pid)).toBe(true);
  return pid;
}

describe("a parent process running a Server", () => {
  it("stops its workers gracefully on SIGTERM, tears them down, and exits 0", async () => {
    const parent = startParent();
    const pid = await childPid(parent);
    parent.child.kill("SIGTERM");
    const { code, stdout } = await parent.exited;
    expect(code).toBe(0);
    // Output of the child process and of the thread reaches the parent's stdout.
    expect(stdout).toContain("teardown proc\n");
    expect(stdout).toContain("teardown thread\n");
    const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as unknown;
    expect(summary).toEqual({
      results: [
        { name: "proc", stopped: true },
        { name: "thread", stopped: true },
      ],
      thread: { setup: true, ticks: 1, tornDown: true, seen: ["startup", "shutdown"] },
    });
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it("leaves no child process behind when it is killed with SIGKILL", async () => {
    const parent = startParent();
    const pid = await childPid(parent);
    parent.child.kill("SIGKILL");
    await parent.exited;
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it("exits at once on a second signal while a worker will not stop", async () => {
    const parent = startParent("--stubborn");
    const pid = await childPid(parent);
    parent.child.kill("SIGINT");
    await parent.line(/^got SIGINT$/);
    // A signal within a second of the first is the same Ctrl-C delivered again (the terminal's
    // group, npm): ignored. A person's second Ctrl-C comes later.
    parent.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 1200));
    parent.child.kill("SIGINT");
    const { code, stdout } = await parent.exited;
    expect(code).toBe(130);
    expect(stdout).not.toContain('"results"');
    expect(await waitUntilGone(pid)).toBe(true);
  });
});
