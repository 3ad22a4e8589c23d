#!/usr/bin/env node
// The `spoc` command (`npx spoc`). An installed package runs its compiled CLI from dist/;
// spoc's own repository, which has src/, runs the sources through bin/spoc-dev.js (not shipped).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const inRepository = existsSync(fileURLToPath(new URL("../src/codegen/cli.ts", import.meta.url)));
const runCli = inRepository
  ? await (await import("./spoc-dev.js")).loadSourceCli()
  : (await import("../dist/codegen/cli.js")).runCli;
process.exitCode = await runCli(process.argv.slice(2));
