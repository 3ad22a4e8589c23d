/**
 * The file facts (file-facts.ts) as TypeScript reads them: the reference the oxc reader is
 * tested against, and the reader of files oxc cannot parse, so a broken file yields what
 * TypeScript recovers and TypeScript's own message.
 */
import type { ts } from "ts-morph";
import { typescript } from "../parse/typescript.ts";
import {
  createPositions,
  decoratorsOf,
  firstParseError,
  hasModifier,
  propertyName,
  stringValue,
  unwrap,
  type Position,
} from "../parse/ast.ts";
import type {
  ComponentCandidate,
  FileFacts,
  ImportBinding,
  ImportFact,
  InstanceFact,
  NameUse,
  ReExport,
  RegistrarFact,
} from "./file-facts.ts";
import { finishFacts } from "./finish-facts.ts";

/** Reads the facts of a file TypeScript parsed. */
export function readFileFacts(source: ts.SourceFile): FileFacts {
  const ts = typescript();
  const imports: ImportFact[] = [];
  const bindings = new Map<string, ImportBinding>();
  const exports = new Map<string, string>();
  const reExports: ReExport[] = [];
  const positionOf = createPositions(source);
  // Candidates are positioned at the end, and only when exported: most `const`s are not components.
  const pending = new Map<string, { readonly name: ts.Identifier; readonly uses: readonly NameUse[] }>();
  const registrars = new Map<string, RegistrarFact>();
  const instances = new Map<string, InstanceFact>();
  const addedKinds: RegistrarFact[] = [];
  const redeclared: ComponentCandidate[] = [];
  let defaultClass: ComponentCandidate | undefined;

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const specifier = stringValue(statement.moduleSpecifier);
      if (specifier === undefined) continue;
      const clause = statement.importClause;
      const named =
        clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)
          ? clause.namedBindings
          : undefined;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      imports.push({ specifier, typeOnly, ...positionOf(statement.moduleSpecifier) });
      if (clause === undefined || clause.isTypeOnly) continue;
      if (clause.name) bindings.set(clause.name.text, { specifier, imported: "default" });
      const namedBindings = clause.namedBindings;
      if (namedBindings !== undefined && ts.isNamespaceImport(namedBindings)) {
        bindings.set(namedBindings.name.text, { specifier, imported: "*" });
      }
      for (const element of named?.elements ?? []) {
        if (element.isTypeOnly) continue;
        const imported = element.propertyName === undefined ? element.name.text : propertyName(element.propertyName);
        if (imported !== undefined) bindings.set(element.name.text, { specifier, imported });
      }
    } else if (ts.isExportDeclaration(statement)) {
      readExportDeclaration(positionOf, statement, imports, exports, reExports);
    } else if (ts.isExportAssignment(statement)) {
      if (!statement.isExportEquals) {
        const value = unwrap(statement.expression);
        exports.set("default", ts.isIdentifier(value) ? value.text : "");
      }
    } else if (ts.isVariableStatement(statement)) {
      const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      for (const declaration of statement.declarationList.declarations) {
        if (exported) for (const name of boundNames(declaration.name)) exports.set(name, name);
        if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
        readVariable(declaration.name, unwrap(declaration.initializer), pending, registrars, instances);
      }
    } else if (ts.isClassDeclaration(statement)) {
      const name = statement.name?.text;
      readExportedDeclaration(statement, name, exports);
      const uses = decoratorsOf(statement)
        .map((decorator) => nameUse(decorator.expression))
        .filter((use) => use !== undefined);
      if (uses.length === 0) continue;
      if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) {
        defaultClass ??= { local: name ?? "default", uses, ...positionOf(statement.name ?? statement) };
      }
      if (statement.name === undefined || name === undefined) continue;
      if (pending.has(name)) redeclared.push({ local: name, uses, ...positionOf(statement.name) });
      else pending.set(name, { name: statement.name, uses });
    } else if (ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement)) {
      readExportedDeclaration(statement, statement.name?.text, exports);
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
      readExportedDeclaration(statement, statement.name.text, exports);
    } else if (ts.isExpressionStatement(statement)) {
      const call = unwrap(statement.expression);
      const added = ts.isCallExpression(call) ? methodCall(call, "addType") : undefined;
      if (added) addedKinds.push(added);
    }
  }
  return finishFacts<ts.Identifier>(
    { imports, bindings, exports, reExports, registrars, instances, addedKinds, redeclared, defaultClass },
    pending,
    { local: (name) => name.text, start: (name) => name.pos, position: positionOf },
    firstParseError(source),
  );
}

function readExportDeclaration(
  positionOf: (node: ts.Node) => Position,
  statement: ts.ExportDeclaration,
  imports: ImportFact[],
  exports: Map<string, string>,
  reExports: ReExport[],
): void {
  const ts = typescript();
  const specifier = statement.moduleSpecifier === undefined ? undefined : stringValue(statement.moduleSpecifier);
  const clause = statement.exportClause;
  const elements = clause !== undefined && ts.isNamedExports(clause) ? clause.elements : undefined;
  if (specifier !== undefined && statement.moduleSpecifier !== undefined) {
    const typeOnly =
      statement.isTypeOnly || (elements !== undefined && elements.length > 0 && elements.every((e) => e.isTypeOnly));
    imports.push({ specifier, typeOnly, ...positionOf(statement.moduleSpecifier) });
    if (statement.isTypeOnly) return;
    if (clause === undefined) reExports.push({ specifier, imported: "*", exported: "*" });
    else if (ts.isNamespaceExport(clause)) {
      const exported = propertyName(clause.name);
      if (exported !== undefined) reExports.push({ specifier, imported: "*", exported });
    }
  }
  if (statement.isTypeOnly) return;
  for (const element of elements ?? []) {
    if (element.isTypeOnly) continue;
    const exported = propertyName(element.name);
    const local = element.propertyName === undefined ? exported : propertyName(element.propertyName);
    if (exported === undefined || local === undefined) continue;
    if (specifier === undefined) exports.set(exported, local);
    else reExports.push({ specifier, imported: local, exported });
  }
}

function readExportedDeclaration(node: ts.Node, name: string | undefined, exports: Map<string, string>): void {
  const ts = typescript();
  if (!hasModifier(node, ts.SyntaxKind.ExportKeyword)) return;
  if (hasModifier(node, ts.SyntaxKind.DefaultKeyword)) exports.set("default", name ?? "");
  else if (name !== undefined) exports.set(name, name);
}

function readVariable(
  name: ts.Identifier,
  initializer: ts.Expression,
  candidates: Map<string, { readonly name: ts.Identifier; readonly uses: readonly NameUse[] }>,
  registrars: Map<string, RegistrarFact>,
  instances: Map<string, InstanceFact>,
): void {
  const ts = typescript();
  if (ts.isNewExpression(initializer)) {
    const constructorUse = nameUse(initializer.expression);
    if (constructorUse === undefined) return;
    const kinds = (initializer.arguments ?? [])
      .map((argument) => stringValue(unwrap(argument)))
      .filter((kind) => kind !== undefined);
    instances.set(name.text, { constructorUse, kinds: kinds.map((kind) => kind.trim().toLowerCase()) });
  } else if (ts.isCallExpression(initializer)) {
    const registrar = methodCall(initializer, "register");
    if (registrar) registrars.set(name.text, registrar);
    const use = nameUse(initializer.expression);
    if (use !== undefined) candidates.set(name.text, { name, uses: [use] });
  }
}

/** `<instance>.<method>("kind", …)` → the instance and the kind. */
function methodCall(call: ts.CallExpression, method: string): RegistrarFact | undefined {
  const ts = typescript();
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== method) return undefined;
  const instance = nameUse(callee.expression);
  const first = call.arguments[0];
  const kind = first === undefined ? undefined : stringValue(unwrap(first));
  return instance === undefined || kind === undefined ? undefined : { instance, kind: kind.trim().toLowerCase() };
}

/** `name` or `namespace.member`; anything else is not a name this scanner follows. */
function nameUse(expression: ts.Expression): NameUse | undefined {
  const ts = typescript();
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) return { name: node.text };
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isIdentifier(node.name)) {
    return { name: node.expression.text, member: node.name.text };
  }
  return undefined;
}

function boundNames(name: ts.BindingName): string[] {
  const ts = typescript();
  if (ts.isIdentifier(name)) return [name.text];
  const names: string[] = [];
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) names.push(...boundNames(element.name));
  return names;
}
