/**
 * One watch session on a project: `watchProject`, then `edits` rounds of two edits each,
 * waiting for the watcher's run after each:
 *   - "component": add a component to a models file (the registry must be rewritten);
 *   - "body": change a function body in a services file (the registry must stay as is).
 * For each run it records the time from the file system's change event (seen by a watch of
 * our own on the edited file) and from the write call, to the watcher's run ending, plus
 * the run's own duration and whether it wrote. Edited files are restored at the end.
 *
 *   node --import tsx bench/watch-once.ts bench/.projects/1000 5
 */
import { readFileSync, statSync, watch, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { watchProject, type WatchEvent } from "../src/codegen/watch.ts";
import { report } from "./_harness.ts";

const root = resolve(process.argv[2] ?? ".");
const edits = Number(process.argv[3] ?? 5);
const apps = Number(/(\d+)$/.exec(root)?.[1] ?? 10);
const app = `app${Math.ceil(apps / 2)}`;
const registryPaths = ["generated/registry.ts", "generated/registry.data.js"].map((file) => join(root, file));
const mtimes = (): string => registryPaths.map((path) => statSync(path).mtimeMs).join(" ");

let waiting: ((event: WatchEvent, at: number, cpu: NodeJS.CpuUsage) => void) | undefined;
const firstStarted = performance.now();
const watcher = await watchProject({
  root,
  onEvent: (event) => {
    const at = performance.now();
    waiting?.(event, at, process.cpuUsage());
  },
});
const firstRunMs = performance.now() - firstStarted;

interface Round {
  readonly fromEventMs: number;
  readonly fromWriteMs: number;
  readonly runMs: number;
  /** CPU time of this process (user + system) from the write call to the run's event: less disturbed by load than wall time. */
  readonly cpuMs: number;
  readonly written: boolean;
  readonly registryTouched: boolean;
}

async function edit(file: string, change: (text: string) => string): Promise<Round> {
  const path = join(root, file);
  const next = change(readFileSync(path, "utf8"));
  const registryBefore = mtimes();
  let eventAt: number | undefined;
  const own = watch(path, () => (eventAt ??= performance.now()));
  const done = new Promise<[WatchEvent, number, NodeJS.CpuUsage]>((resolveRun) => {
    waiting = (event, at, cpu) => resolveRun([event, at, cpu]);
  });
  const cpuBefore = process.cpuUsage();
  const writeAt = performance.now();
  writeFileSync(path, next);
  const [event, at, cpuAt] = await done;
  waiting = undefined;
  own.close();
  if (event.type === "failed") throw new Error(`watch run failed: ${String(event.error)}`);
  const errors = event.generation.result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`watch run reported errors: ${errors.map((d) => d.message).join("; ")}`);
  return {
    fromEventMs: at - (eventAt ?? writeAt),
    fromWriteMs: at - writeAt,
    runMs: event.generation.durationMs,
    cpuMs: (cpuAt.user - cpuBefore.user + cpuAt.system - cpuBefore.system) / 1000,
    written: event.generation.written,
    registryTouched: mtimes() !== registryBefore,
  };
}

const modelsFile = `apps/${app}/models.ts`;
const servicesFile = `apps/${app}/services.ts`;
const originals = new Map([modelsFile, servicesFile].map((file) => [file, readFileSync(join(root, file), "utf8")]));
const component: Round[] = [];
const body: Round[] = [];
try {
  for (let round = 0; round < edits; round++) {
    component.push(
      await edit(
        modelsFile,
        (text) => `${text}\n@model\nexport class BenchExtra${round} {\n  readonly round = ${round};\n}\n`,
      ),
    );
    body.push(await edit(servicesFile, (text) => text.replace(/let sum = \d+;/, `let sum = ${round + 1};`)));
  }
} finally {
  for (const [file, text] of originals) writeFileSync(join(root, file), text);
  // Let the watcher regenerate from the restored files before closing.
  await new Promise<void>((resolveRun) => {
    waiting = () => resolveRun();
    setTimeout(resolveRun, 5_000);
  });
  await watcher.close();
}

report({ firstRunMs, component, body });
