/** How the example's workers print: one tagged, indented line each, as the seed does. */
import type { WorkerEvent } from "spoc/workers";

/** Prints `  [<name>] <line>`. */
export function printWorkerLine(name: string, line: string): void {
  console.log(`  [${name}] ${line}`);
}

/** The line a lifecycle event prints: `Lifecycle: Started`, `Lifecycle: Stopped`, `Error: …`. */
export function lifecycleLine(event: WorkerEvent, data: unknown): string {
  if (event === "startup") return "Lifecycle: Started";
  if (event === "shutdown") return "Lifecycle: Stopped";
  return `Error: ${data instanceof Error ? data.message : String(data)}`;
}
