/** What `spoc init` and `spoc add app` print, and their exit codes. */
import { relative } from "node:path";
import { hasErrors } from "../generate.ts";
import type { PipelineResult } from "../model.ts";
import { formatText } from "../report/format-text.ts";
import { ExistingFilesError } from "./files.ts";
import { initProject } from "./init.ts";
import type { BundlerName } from "./templates/bundlers.ts";

/** Where the commands write. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly color: boolean;
}

/** `spoc init [dir] [--bundler <name>]`. */
export async function runInit(dir: string, bundler: BundlerName, io: CommandIo): Promise<number> {
  return refusingToOverwrite(io, async () => {
    const { root, files, result } = await initProject({ dir, bundler });
    io.stdout(`spoc init: created a spoc project in ${root}\n${files.map((file) => `  ${file}\n`).join("")}`);
    if (!reportGeneration(root, result, io)) return 1;
    const cd = relative(process.cwd(), root);
    io.stdout(
      `\nNext:\n${cd === "" ? "" : `  cd ${cd}\n`}  npm install\n  npm run build && npm start   # bundle into dist/ and run it\n  npm run dev                   # rebuild and restart on every change\n  npm test\n`,
    );
    return 0;
  });
}

/** `spoc add app <name>`. */
export async function runAddApp(root: string, name: string, io: CommandIo): Promise<number> {
  return refusingToOverwrite(io, async () => {
    // ts-morph (TypeScript) loads in about half a second: only `spoc add app` pays for it.
    const { addApp } = await import("./add-app.ts");
    const { files, result } = await addApp(root, name);
    io.stdout(
      `spoc add app: created ${name}\n${files.map((file) => `  ${file}\n`).join("")}  config/settings.ts: "${name}" in installedApps\n`,
    );
    return reportGeneration(root, result, io) ? 0 : 1;
  });
}

/** Prints the registry's diagnostics; false when it could not be written. */
function reportGeneration(root: string, result: PipelineResult, io: CommandIo): boolean {
  if (result.diagnostics.length > 0) io.stderr(formatText(result, { root, color: io.color }));
  if (hasErrors(result)) {
    io.stderr("spoc: generated/registry.ts not written; fix the errors above, then run `npx spoc gen`\n");
    return false;
  }
  return true;
}

async function refusingToOverwrite(io: CommandIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ExistingFilesError)) throw error;
    io.stderr(`spoc: ${error.message}\n`);
    return 1;
  }
}
