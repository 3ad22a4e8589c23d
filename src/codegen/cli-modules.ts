/**
 * What the CLI's commands run: the generator, the checks, the reports, `init` and `add`. The
 * CLI loads it when a command needs it, not to find out that a `spoc gen` has nothing to do
 * (fresh-generation.ts), so that answer costs node's start-up and a stat per file.
 */
export { checkWithCache } from "./check-cache.ts";
export { closest } from "./check/closest.ts";
export { describeModel, generateRegistry, hasErrors } from "./generate.ts";
export { runAddApp, runInit } from "./init/commands.ts";
export { runPipeline } from "./pipeline.ts";
export { registryFiles } from "./render/registry.ts";
export { appGraph, formatAppDot, formatAppMermaid } from "./report/app-graph.ts";
export { formatBaseline, parseBaseline, toBaseline } from "./report/baseline.ts";
export { ChangedFilesError, changedFiles } from "./report/changed-files.ts";
export { checkFails, checkReport, formatCheckText, toCheckJson, toCheckSarif } from "./report/check-report.ts";
export { limitGraph, neighbourhood } from "./report/focus.ts";
export { formatText } from "./report/format-text.ts";
export { formatDot, formatMermaid, moduleGraph, toGraphJson } from "./report/format-graph.ts";
export { unifiedDiff } from "./report/line-diff.ts";
export { formatWhy, importChains, modulesNamed } from "./report/why.ts";
export { watchProject } from "./watch.ts";
