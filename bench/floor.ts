/**
 * The floor for a cold `spoc gen`: read every `.ts` file of a project (outside
 * `node_modules/` and `generated/`), `ts.createSourceFile` it and walk its top-level
 * statements, the least a scanner must do. Reports its in-process time.
 *
 *   node --import tsx bench/floor.ts bench/.projects/1000
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ts } from "ts-morph";
import { report } from "./_harness.ts";

const started = performance.now();
const root = resolve(process.argv[2] ?? ".");

function tsFiles(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "generated" && !entry.name.startsWith("."))
        tsFiles(join(dir, entry.name), out);
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

let imports = 0;
let typeImports = 0;
let exported = 0;
const files = tsFiles(root, []).sort();
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      imports++;
      if (statement.importClause?.isTypeOnly) typeImports++;
    } else if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      exported++;
    }
  }
}

report({ ms: performance.now() - started, files: files.length, imports, typeImports, exported });
