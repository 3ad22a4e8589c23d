/**
 * `spoc add app <name>`: one file per schema module under `apps/<name>/`, and the app added
 * to `installedApps` in `config/settings.ts`, edited in place with ts-morph so its comments
 * and formatting stay; then the registry is regenerated.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import type { Node, ObjectLiteralExpression } from "ts-morph";
import { ErrorCode, SpocError } from "../../errors.ts";
import { generateRegistry } from "../generate.ts";
import type { PipelineResult } from "../model.ts";
import { runPipeline } from "../pipeline.ts";
import { SCHEMA_FILE } from "../read/project.ts";
import { writeNewFiles } from "./files.ts";
import { emptyAppFiles } from "./templates/app.ts";

// Required when this module loads, not imported: a bundler hoists a static import of a package
// to the top of its bundle, which would load TypeScript (half a second) in every command.
const morph = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;

const SETTINGS_FILE = "config/settings.ts";
const APP_NAME = /^[a-z][a-z0-9_]*$/;

export interface AddAppResult {
  /** The files created, relative to the root. */
  readonly files: readonly string[];
  /** The registry's generation after the app was added. */
  readonly result: PipelineResult;
}

/**
 * Adds the app `name` to the project at `root`.
 * @throws SpocError (SPOC008) when the schema or settings cannot be read or edited;
 *   ExistingFilesError when `apps/<name>/` already has a module file.
 */
export async function addApp(root: string, name: string): Promise<AddAppResult> {
  if (!APP_NAME.test(name)) {
    throw new SpocError(ErrorCode.InvalidConfig, `"${name}" is not a valid app name`, {
      hint: 'use lower-case letters, digits and "_", starting with a letter, e.g. "billing"',
    });
  }
  const before = await runPipeline({ root });
  const modules = before.model?.schema.modules;
  if (modules === undefined) {
    throw new SpocError(ErrorCode.InvalidConfig, `cannot read the schema's modules from ${SCHEMA_FILE}`, {
      location: { file: SCHEMA_FILE },
      hint: "run `npx spoc check` to see what is wrong with it",
    });
  }
  const settingsPath = join(root, SETTINGS_FILE);
  const settingsText = await readSettings(settingsPath);
  const edited = withInstalledApp(settingsText, name);
  const files = emptyAppFiles(name, modules);
  await writeNewFiles(root, files, `apps/${name} exists: choose another name, or add its module files yourself`);
  if (edited !== settingsText) await writeFile(settingsPath, edited);
  const { result } = await generateRegistry({ root });
  return { files: files.map((file) => file.path), result };
}

async function readSettings(path: string): Promise<string> {
  if (!existsSync(path)) {
    throw new SpocError(ErrorCode.InvalidConfig, `${SETTINGS_FILE} not found`, {
      location: { file: SETTINGS_FILE },
      hint: 'create it: export default defineSettings({ installedApps: [] }) (import { defineSettings } from "spoc")',
    });
  }
  return readFile(path, "utf8");
}

/**
 * `text` (config/settings.ts) with `app` appended to `installedApps`; unchanged when it is
 * there already. Only the array (or the object, when the key is missing) is touched.
 */
export function withInstalledApp(text: string, app: string): string {
  const project = new morph.Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const source = project.createSourceFile("settings.ts", text);
  const settings = settingsObject(
    source.getExportAssignment((assignment) => !assignment.isExportEquals())?.getExpression(),
  );
  if (settings === undefined) {
    throw new SpocError(ErrorCode.InvalidConfig, `${SETTINGS_FILE} has no \`export default defineSettings({ ... })\``, {
      location: { file: SETTINGS_FILE },
      hint: `add "${app}" to installedApps yourself`,
    });
  }
  const property = settings.getProperty("installedApps");
  const literal = JSON.stringify(app);
  if (property === undefined) {
    const first = settings.getProperties()[0];
    if (first === undefined) {
      source.replaceText([settings.getStart(), settings.getEnd()], `{ installedApps: [${literal}] }`);
    } else {
      source.insertText(first.getStart(), `installedApps: [${literal}],${separatorBefore(first, text)}`);
    }
    return source.getFullText();
  }
  const list = morph.Node.isPropertyAssignment(property)
    ? property.getInitializerIfKind(morph.SyntaxKind.ArrayLiteralExpression)
    : undefined;
  if (list === undefined) {
    const { line, column } = source.getLineAndColumnAtPos(property.getStart());
    throw new SpocError(ErrorCode.InvalidConfig, "installedApps is not an array literal", {
      location: { file: SETTINGS_FILE, line, column },
      hint: `add "${app}" to installedApps yourself`,
    });
  }
  const elements = list.getElements();
  if (elements.some((element) => morph.Node.isStringLiteral(element) && element.getLiteralValue() === app)) return text;
  const last = elements.at(-1);
  if (last === undefined) {
    source.replaceText([list.getStart(), list.getEnd()], `[${literal}]`);
    return source.getFullText();
  }
  const quoted = last.getText().startsWith("'") ? `'${app}'` : literal;
  // After the last element and its comma, if any; the new one copies its layout.
  const comma = last.getNextSiblingIfKind(morph.SyntaxKind.CommaToken);
  if (comma === undefined) source.insertText(last.getEnd(), `,${separatorBefore(last, text)}${quoted}`);
  else source.insertText(comma.getEnd(), `${separatorBefore(last, text)}${quoted},`);
  return source.getFullText();
}

/** The whitespace before `node` on its line when it starts a line ("\n" and its indent), else " ". */
function separatorBefore(node: Node, text: string): string {
  const start = node.getStart();
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const indent = text.slice(lineStart, start);
  return /^[ \t]*$/.test(indent) && lineStart > 0 ? `\n${indent}` : " ";
}

/** The object literal of `defineSettings({ ... })`, or of a plain exported object. */
function settingsObject(expression: Node | undefined): ObjectLiteralExpression | undefined {
  let node = expression;
  while (
    node !== undefined &&
    (morph.Node.isAsExpression(node) ||
      morph.Node.isSatisfiesExpression(node) ||
      morph.Node.isParenthesizedExpression(node))
  ) {
    node = node.getExpression();
  }
  if (node !== undefined && morph.Node.isCallExpression(node)) node = node.getArguments()[0];
  return node !== undefined && morph.Node.isObjectLiteralExpression(node) ? node : undefined;
}
