import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { childEntry } from "./_entry.ts";
import type { ChildCallbacks, ChildHandle } from "./_host.ts";
import {
  PROCESS_FLAG,
  isEnvelope,
  type ChildInit,
  type ChildMessage,
  type Envelope,
  type ParentMessage,
  type ProcessInit,
} from "./_protocol.ts";
import { AbstractWorker, type WorkerContext } from "./abstract-worker.ts";

/** How long a process has to exit after SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 1_000;

/**
 * A worker whose `setup`, `main` and `teardown` run in a child process of the same Node
 * binary, sharing the parent's stdout and stderr. The process exits when the parent does,
 * however the parent ends: it watches its IPC channel.
 */
export abstract class ProcessWorker<Context extends WorkerContext = WorkerContext> extends AbstractWorker<Context> {
  /** The child's process id once started. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #child: ChildProcess | undefined;

  protected override spawnChild(init: ChildInit, callbacks: ChildCallbacks): ChildHandle {
    const entry = childEntry(init.location);
    const loader = entry.tsxLoaderUrl === undefined ? [] : ["--import", entry.tsxLoaderUrl];
    const child = spawn(process.execPath, [...loader, fileURLToPath(entry.url), PROCESS_FLAG], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    this.#child = child;
    adopt(child);
    let killTimer: NodeJS.Timeout | undefined;
    child.on("message", (message: unknown) => {
      if (isEnvelope<ChildMessage>(message)) callbacks.onMessage(message.spoc);
    });
    child.on("error", (error) => callbacks.onCrash(error));
    // "close" rather than "exit": it comes after the last message on the IPC channel.
    child.on("close", (code, signal) => {
      clearTimeout(killTimer);
      callbacks.onExit({ code, signal });
    });
    const send = (message: ProcessInit | ParentMessage): void => {
      // An error here means the channel is closed: the child is gone and "close" follows.
      if (child.connected) child.send({ spoc: message } satisfies Envelope<ProcessInit | ParentMessage>, () => {});
    };
    send({ type: "init", init });
    return {
      send,
      terminate: () => {
        child.kill("SIGTERM");
        killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      },
    };
  }
}

const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const child of children) child.kill("SIGKILL");
}

/**
 * Kills live children when this process exits, even through `process.exit()`. The
 * listener exists only while a child does, so creating workers has no side effect.
 */
function adopt(child: ChildProcess): void {
  if (children.size === 0) process.on("exit", killChildren);
  children.add(child);
  child.once("exit", () => {
    children.delete(child);
    if (children.size === 0) process.off("exit", killChildren);
  });
}
