// Preload (`node -r ./bench/main-thread-cpu.cjs …`, Linux): at exit, prints the CPU time of the
// process's main thread beside the whole process's. On a loaded machine it tells the main
// thread's share of the work (the critical path of a cold gen whose parsing is shared with
// worker threads) better than wall time does.
const { readFileSync } = require("node:fs");

process.on("exit", () => {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100/s).
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const mainMs = (Number(fields[11]) + Number(fields[12])) * 10;
  const usage = process.cpuUsage();
  process.stderr.write(
    `main thread CPU ${mainMs} ms, process CPU ${((usage.user + usage.system) / 1000).toFixed(0)} ms, wall ${(process.uptime() * 1000).toFixed(0)} ms\n`,
  );
});
