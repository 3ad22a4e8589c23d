/**
 * What one TypeScript file says about itself, read from its top-level statements only: its
 * imports, its exports, the declarations that may be components, and the `Components`
 * instances and registrars it declares. Depends on the file's text alone, so it is cached
 * per file; resolving names across files happens later (kinds.ts, scan.ts).
 *
 * Files are parsed with oxc (parse/estree.ts), nested blocks emptied first (hollow-blocks.ts).
 * A file oxc cannot parse is read by TypeScript (file-facts-ts.ts) instead, so its facts and
 * its syntax error are TypeScript's, as before.
 */
import type {
  BindingPattern,
  CallExpression,
  Class,
  Declaration,
  ExportNamedDeclaration,
  Expression,
  ImportDeclaration,
  Node,
} from "oxc-parser";
import { parseTopLevel, type ParseError, type Position } from "../parse/ast.ts";
import { createOffsetPositions, keyName, literalString, parseStatements, unwrapExpression } from "../parse/estree.ts";
import { hollowInnerBlocks } from "../parse/hollow-blocks.ts";
import { finishFacts, type PendingCandidate } from "./finish-facts.ts";
import { readFileFacts } from "./file-facts-ts.ts";

/** A reference to a binding: `model`, or `c.model` through a namespace import. */
export interface NameUse {
  readonly name: string;
  readonly member?: string;
}

/** An `import … from` or `export … from` declaration, at its module specifier. */
export interface ImportFact extends Position {
  readonly specifier: string;
  /** `import type`, or every specifier is `type`: not a runtime edge. */
  readonly typeOnly: boolean;
}

/** A value imported under a local name. `imported` is the export name, `"default"` or `"*"` (namespace). */
export interface ImportBinding {
  readonly specifier: string;
  readonly imported: string;
}

/** `export { a as b } from "x"` (imported "a", exported "b"), `export * from "x"` ("*", "*"), `export * as ns from "x"` ("*", "ns"). */
export interface ReExport {
  readonly specifier: string;
  readonly imported: string;
  readonly exported: string;
}

/** A top-level class or `const` whose decorators or initializer call may be registrars. */
export interface ComponentCandidate extends Position {
  readonly local: string;
  /** Decorators in source order, or the callee of the initializer. */
  readonly uses: readonly NameUse[];
}

/** `const model = components.register("model")`. */
export interface RegistrarFact {
  readonly instance: NameUse;
  readonly kind: string;
}

/** `const components = new Components("model", …)`. */
export interface InstanceFact {
  readonly constructorUse: NameUse;
  readonly kinds: readonly string[];
}

export interface FileFacts {
  readonly imports: readonly ImportFact[];
  /** Local name → where it is imported from (value imports only). */
  readonly bindings: ReadonlyMap<string, ImportBinding>;
  /** Exported name → local name, for values declared in this file (`"default"` included). */
  readonly exports: ReadonlyMap<string, string>;
  readonly reExports: readonly ReExport[];
  /** By local name; only those this file exports (under any name). */
  readonly candidates: ReadonlyMap<string, ComponentCandidate>;
  /** By local name. */
  readonly registrars: ReadonlyMap<string, RegistrarFact>;
  /** By local name. */
  readonly instances: ReadonlyMap<string, InstanceFact>;
  /** `components.addType("x")` statements. */
  readonly addedKinds: readonly RegistrarFact[];
  /**
   * Decorated classes declared again under a name an earlier one took (`@model export class
   * User` twice), in source order: each would be a second component with the same key.
   */
  readonly redeclared: readonly ComponentCandidate[];
  /** A decorated `export default class`: a component needs a name, so it is reported. */
  readonly defaultClass: ComponentCandidate | undefined;
  /** The file's first syntax error: the facts above are then what TypeScript recovered. */
  readonly parseError: ParseError | undefined;
}

/** The facts of a file's text: oxc's reading, or TypeScript's when oxc finds a syntax error. */
export function factsOfText(path: string, text: string): FileFacts {
  // Nested blocks emptied first (line and column kept): oxc hands its tree to JavaScript as
  // JSON, so the smaller tree is the faster read.
  const hollowed = hollowInnerBlocks(text) ?? text;
  const parsed = parseStatements(path, hollowed);
  if (parsed.errorAt !== undefined) return readFileFacts(parseTopLevel(path, text));
  return readEstreeFacts(parsed.program.body, hollowed);
}

type Pending = PendingCandidate<{ readonly name: string; readonly start: number }>;

/** Reads the facts of a file oxc parsed (the same facts `readFileFacts` reads from TypeScript's tree). */
function readEstreeFacts(body: readonly Node[], text: string): FileFacts {
  const imports: ImportFact[] = [];
  const bindings = new Map<string, ImportBinding>();
  const exports = new Map<string, string>();
  const reExports: ReExport[] = [];
  const positionOf = createOffsetPositions(text);
  const pending = new Map<string, Pending>();
  const registrars = new Map<string, RegistrarFact>();
  const instances = new Map<string, InstanceFact>();
  const addedKinds: RegistrarFact[] = [];
  const redeclared: ComponentCandidate[] = [];
  let defaultClass: ComponentCandidate | undefined;

  const declare = (declaration: Declaration | Class, exported: "named" | "default" | undefined): void => {
    switch (declaration.type) {
      case "VariableDeclaration":
        for (const declarator of declaration.declarations) {
          if (exported !== undefined) for (const name of boundNames(declarator.id)) exports.set(name, name);
          if (declarator.id.type !== "Identifier" || declarator.init === null) continue;
          readVariable(declarator.id, unwrapExpression(declarator.init), pending, registrars, instances);
        }
        return;
      case "ClassDeclaration":
      case "ClassExpression": {
        const name = declaration.id?.name;
        exportDeclared(name, exported, exports);
        const uses = declaration.decorators.map((d) => nameUse(d.expression)).filter((use) => use !== undefined);
        if (uses.length === 0) return;
        const id = declaration.id ?? undefined;
        if (exported === "default") {
          defaultClass ??= { local: name ?? "default", uses, ...positionOf(id?.start ?? declaration.start) };
        }
        if (id === undefined || name === undefined) return;
        if (pending.has(name)) redeclared.push({ local: name, uses, ...positionOf(id.start) });
        else pending.set(name, { name: id, uses });
        return;
      }
      case "FunctionDeclaration":
      case "TSDeclareFunction":
      case "FunctionExpression":
      case "TSEnumDeclaration":
        exportDeclared(declaration.id?.name, exported, exports);
        return;
      case "TSModuleDeclaration":
        if (declaration.id.type === "Identifier") exportDeclared(declaration.id.name, exported, exports);
        else if (declaration.id.type === "TSQualifiedName") exportDeclared(leftmost(declaration.id), exported, exports);
        return;
      default:
        return;
    }
  };

  for (const statement of body) {
    switch (statement.type) {
      case "ImportDeclaration":
        readImport(statement, positionOf, imports, bindings);
        break;
      case "ExportNamedDeclaration":
        if (statement.declaration !== null) declare(statement.declaration, "named");
        else readExportDeclaration(statement, positionOf, imports, exports, reExports);
        break;
      case "ExportAllDeclaration": {
        const typeOnly = statement.exportKind === "type";
        imports.push({ specifier: statement.source.value, typeOnly, ...positionOf(statement.source.start) });
        if (typeOnly) break;
        const exported = statement.exported === null ? "*" : keyName(statement.exported);
        if (exported !== undefined) reExports.push({ specifier: statement.source.value, imported: "*", exported });
        break;
      }
      case "ExportDefaultDeclaration": {
        const declaration = statement.declaration;
        if (
          declaration.type === "ClassDeclaration" ||
          declaration.type === "FunctionDeclaration" ||
          declaration.type === "TSDeclareFunction"
        ) {
          declare(declaration, "default");
        } else if (declaration.type === "TSInterfaceDeclaration") {
          // a type: no value export
        } else {
          const value = unwrapExpression(declaration as Expression);
          exports.set("default", value.type === "Identifier" ? value.name : "");
        }
        break;
      }
      case "VariableDeclaration":
      case "ClassDeclaration":
      case "FunctionDeclaration":
      case "TSDeclareFunction":
      case "TSEnumDeclaration":
      case "TSModuleDeclaration":
        declare(statement, undefined);
        break;
      case "ExpressionStatement": {
        const call = unwrapExpression(statement.expression);
        const added = call.type === "CallExpression" ? methodCall(call, "addType") : undefined;
        if (added) addedKinds.push(added);
        break;
      }
      default:
        break;
    }
  }
  return finishFacts(
    { imports, bindings, exports, reExports, registrars, instances, addedKinds, redeclared, defaultClass },
    pending,
    { local: (name) => name.name, start: (name) => name.start, position: (name) => positionOf(name.start) },
    undefined,
  );
}

function readImport(
  statement: ImportDeclaration,
  positionOf: (offset: number) => Position,
  imports: ImportFact[],
  bindings: Map<string, ImportBinding>,
): void {
  const specifier = statement.source.value;
  const clauseTypeOnly = statement.importKind === "type";
  const named = statement.specifiers.filter((s) => s.type === "ImportSpecifier");
  const typeOnly =
    clauseTypeOnly ||
    (named.length > 0 && named.length === statement.specifiers.length && named.every((s) => s.importKind === "type"));
  imports.push({ specifier, typeOnly, ...positionOf(statement.source.start) });
  if (clauseTypeOnly) return;
  for (const binding of statement.specifiers) {
    if (binding.type === "ImportDefaultSpecifier") bindings.set(binding.local.name, { specifier, imported: "default" });
    else if (binding.type === "ImportNamespaceSpecifier")
      bindings.set(binding.local.name, { specifier, imported: "*" });
    else if (binding.importKind !== "type") {
      const imported = keyName(binding.imported);
      if (imported !== undefined) bindings.set(binding.local.name, { specifier, imported });
    }
  }
}

function readExportDeclaration(
  statement: ExportNamedDeclaration,
  positionOf: (offset: number) => Position,
  imports: ImportFact[],
  exports: Map<string, string>,
  reExports: ReExport[],
): void {
  const source = statement.source;
  const clauseTypeOnly = statement.exportKind === "type";
  const elements = statement.specifiers;
  if (source !== null) {
    const typeOnly = clauseTypeOnly || (elements.length > 0 && elements.every((e) => e.exportKind === "type"));
    imports.push({ specifier: source.value, typeOnly, ...positionOf(source.start) });
  }
  if (clauseTypeOnly) return;
  for (const element of elements) {
    if (element.exportKind === "type") continue;
    const exported = keyName(element.exported);
    const local = keyName(element.local);
    if (exported === undefined || local === undefined) continue;
    if (source === null) exports.set(exported, local);
    else reExports.push({ specifier: source.value, imported: local, exported });
  }
}

function exportDeclared(
  name: string | undefined,
  exported: "named" | "default" | undefined,
  exports: Map<string, string>,
): void {
  if (exported === "default") exports.set("default", name ?? "");
  else if (exported === "named" && name !== undefined) exports.set(name, name);
}

function leftmost(name: Node): string | undefined {
  let current = name;
  while (current.type === "TSQualifiedName") current = current.left;
  return current.type === "Identifier" ? current.name : undefined;
}

function readVariable(
  name: { readonly name: string; readonly start: number },
  initializer: Expression,
  candidates: Map<string, Pending>,
  registrars: Map<string, RegistrarFact>,
  instances: Map<string, InstanceFact>,
): void {
  if (initializer.type === "NewExpression") {
    const constructorUse = nameUse(initializer.callee);
    if (constructorUse === undefined) return;
    const kinds = initializer.arguments
      .map((argument) => (argument.type === "SpreadElement" ? undefined : literalString(unwrapExpression(argument))))
      .filter((kind) => kind !== undefined);
    instances.set(name.name, { constructorUse, kinds: kinds.map((kind) => kind.trim().toLowerCase()) });
  } else if (initializer.type === "CallExpression") {
    const registrar = methodCall(initializer, "register");
    if (registrar) registrars.set(name.name, registrar);
    const use = nameUse(initializer.callee);
    if (use !== undefined) candidates.set(name.name, { name, uses: [use] });
  }
}

/** `<instance>.<method>("kind", …)` → the instance and the kind. */
function methodCall(call: CallExpression, method: string): RegistrarFact | undefined {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return undefined;
  if (callee.property.name !== method) return undefined;
  const instance = nameUse(callee.object);
  const first = call.arguments[0];
  const kind =
    first === undefined || first.type === "SpreadElement" ? undefined : literalString(unwrapExpression(first));
  return instance === undefined || kind === undefined ? undefined : { instance, kind: kind.trim().toLowerCase() };
}

/** `name` or `namespace.member`; anything else is not a name this scanner follows. */
function nameUse(expression: Expression): NameUse | undefined {
  const node = unwrapExpression(expression);
  if (node.type === "Identifier") return { name: node.name };
  if (
    node.type === "MemberExpression" &&
    !node.computed &&
    node.object.type === "Identifier" &&
    node.property.type === "Identifier"
  ) {
    return { name: node.object.name, member: node.property.name };
  }
  return undefined;
}

function boundNames(pattern: BindingPattern): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "AssignmentPattern":
      return boundNames(pattern.left);
    case "ObjectPattern":
      return pattern.properties.flatMap((property) =>
        property.type === "RestElement" ? boundNames(property.argument) : boundNames(property.value),
      );
    case "ArrayPattern":
      return pattern.elements.flatMap((element) =>
        element === null ? [] : element.type === "RestElement" ? boundNames(element.argument) : boundNames(element),
      );
    default:
      return [];
  }
}
