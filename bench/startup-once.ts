/**
 * What every cold `spoc gen` pays before its first file: Node, tsx and the TypeScript
 * compiler (through ts-morph) loaded, nothing done.
 *
 *   node --import tsx bench/startup-once.ts
 */
import { ts } from "ts-morph";
import { report } from "./_harness.ts";

report({ typescript: ts.version });
