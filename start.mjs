// `npm start`: builds the example, then runs it. A signal (Ctrl-C, SIGTERM, SIGHUP) reaches
// whichever step is running, so nothing outlives `npm start`; the exit status is the step's.
// (`sh -c "build && node out/main.js"` would die on SIGTERM and leave the app running.)
import { spawn } from "node:child_process";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
let child;
let stopping = false;
for (const signal of SIGNALS) {
  process.on(signal, () => {
    stopping = true;
    child?.kill(signal);
  });
}

/** Runs `node <args>` and resolves with its exit status (128 + n when a signal ended it). */
function node(args) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, args, { stdio: "inherit" });
    child.on("error", (error) => {
      console.error(`npm start: cannot run node ${args.join(" ")}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15)));
  });
}

const built = await node(["--import", "tsx", "build.ts"]);
process.exitCode = built !== 0 || stopping ? built : await node(["out/main.js"]);
