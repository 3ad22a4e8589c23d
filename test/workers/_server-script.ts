/**
 * Run by signals.test.ts as a parent process: a Server with a process worker and a thread
 * worker until SIGINT/SIGTERM. Prints `{"pid":…}` once the process worker is up, then the
 * join result. With --stubborn, the process worker ignores stop().
 */
import { Server } from "../../src/workers/index.ts";
import { SleepyProcess, SleepyThread, StubbornProcess } from "./_workers.ts";

const stubborn = process.argv.includes("--stubborn");
const processWorker = stubborn ? new StubbornProcess({ name: "stubborn" }) : new SleepyProcess({ name: "proc" });
const threadWorker = new SleepyThread({ name: "thread" });
const server = new Server().addWorker(processWorker).addWorker(threadWorker);

let up = 0;
const announce = (): void => {
  if (++up === 2) console.log(JSON.stringify({ pid: processWorker.pid }));
};
processWorker.on("startup", announce);
threadWorker.on("startup", announce);
process.on("SIGINT", () => console.log("got SIGINT"));

const { results } = await server.runForever({ timeoutMs: 5_000 });
console.log(
  JSON.stringify({ results: results.map(({ name, stopped }) => ({ name, stopped })), thread: threadWorker.context }),
);
