/**
 * Which names are component registrars, found by following imports to the project's
 * `Components` declaration rather than by name:
 *
 * ```ts
 * import { Components } from "spoc";
 * export const components = new Components("model", "view");
 * export const model = components.register("model");   // a registrar of kind "model"
 * components.addType("job");                            // one more kind
 * ```
 *
 * A module file's `@model`, `@entity` (`import { model as entity }`) or `@c.model`
 * (`import * as c`) is a registrar when the binding leads, through imports and re-exports, to
 * such a `register` call. A function that merely is called `model` is not.
 */
import type { FileFacts, NameUse } from "./file-facts.ts";
import { resolveSpecifier, type FileExistence } from "./resolve.ts";

/** The package whose `Components` class declares kinds. */
const SPOC_PACKAGE = "spoc";

type Binding =
  | { readonly type: "registrar"; readonly kind: string }
  | { readonly type: "instance"; readonly id: string }
  | { readonly type: "components-class" }
  | { readonly type: "spoc-namespace" }
  | { readonly type: "namespace"; readonly file: string }
  | { readonly type: "other" };

const OTHER: Binding = { type: "other" };

export interface KindResolver {
  /** The kind `use` registers as, when it is a registrar seen from `file`. */
  registrarKind(file: string, use: NameUse): string | undefined;
  /** Resolves the `Components` instances declared in `file`, so their kinds are known. */
  visitFile(file: string): void;
  /** Kinds of every `Components` instance met so far: constructor kinds, then `addType` kinds. */
  declaredKinds(): string[];
}

/**
 * A resolver for one run. `factsOf` returns a file's facts (parsing it at most once), or
 * `undefined` when it cannot be read.
 */
export function createKindResolver(factsOf: (file: string) => FileFacts | undefined, existence: FileExistence): KindResolver {
  const memo = new Map<string, Binding>();
  const instances = new Map<string, readonly string[]>();
  const visited = new Set<string>();

  const facts = (file: string): FileFacts | undefined => {
    visited.add(file);
    return factsOf(file);
  };

  const resolveLocal = (file: string, name: string): Binding => {
    const key = `${file}\0${name}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, OTHER); // a cycle of re-exports resolves to nothing
    const binding = computeLocal(file, name);
    memo.set(key, binding);
    return binding;
  };

  const computeLocal = (file: string, name: string): Binding => {
    const fileFacts = facts(file);
    if (fileFacts === undefined) return OTHER;
    const registrar = fileFacts.registrars.get(name);
    if (registrar !== undefined) {
      return resolveUse(file, registrar.instance).type === "instance" ? { type: "registrar", kind: registrar.kind } : OTHER;
    }
    const instance = fileFacts.instances.get(name);
    if (instance !== undefined) {
      if (resolveUse(file, instance.constructorUse).type !== "components-class") return OTHER;
      const id = `${file}#${name}`;
      instances.set(id, instance.kinds);
      return { type: "instance", id };
    }
    const imported = fileFacts.bindings.get(name);
    return imported === undefined ? OTHER : resolveImport(file, imported.specifier, imported.imported);
  };

  const resolveUse = (file: string, use: NameUse): Binding => {
    const binding = resolveLocal(file, use.name);
    if (use.member === undefined) return binding;
    if (binding.type === "namespace") return resolveExport(binding.file, use.member);
    if (binding.type === "spoc-namespace" && use.member === "Components") return { type: "components-class" };
    return OTHER;
  };

  const resolveImport = (fromFile: string, specifier: string, imported: string): Binding => {
    if (specifier === SPOC_PACKAGE) {
      if (imported === "Components") return { type: "components-class" };
      return imported === "*" ? { type: "spoc-namespace" } : OTHER;
    }
    const target = resolveSpecifier(existence, fromFile, specifier);
    if (target === undefined) return OTHER;
    return imported === "*" ? { type: "namespace", file: target } : resolveExport(target, imported);
  };

  const resolveExport = (file: string, exported: string): Binding => {
    const key = `${file}\0export ${exported}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, OTHER);
    const binding = computeExport(file, exported);
    memo.set(key, binding);
    return binding;
  };

  const computeExport = (file: string, exported: string): Binding => {
    const fileFacts = facts(file);
    if (fileFacts === undefined) return OTHER;
    const local = fileFacts.exports.get(exported);
    if (local !== undefined) return resolveLocal(file, local);
    const named = fileFacts.reExports.find((reExport) => reExport.exported === exported);
    if (named !== undefined) return resolveImport(file, named.specifier, named.imported);
    for (const star of fileFacts.reExports) {
      if (star.exported !== "*" || exported === "default") continue;
      const binding = resolveImport(file, star.specifier, exported);
      if (binding.type !== "other") return binding;
    }
    return OTHER;
  };

  return {
    registrarKind(file, use) {
      const binding = resolveUse(file, use);
      return binding.type === "registrar" ? binding.kind : undefined;
    },
    visitFile(file) {
      for (const name of facts(file)?.instances.keys() ?? []) resolveLocal(file, name);
    },
    declaredKinds() {
      const added: string[] = [];
      for (const file of [...visited].sort()) {
        for (const addition of factsOf(file)?.addedKinds ?? []) {
          if (resolveUse(file, addition.instance).type === "instance") added.push(addition.kind);
        }
      }
      const kinds = new Set<string>();
      for (const id of [...instances.keys()].sort()) for (const kind of instances.get(id) ?? []) kinds.add(kind);
      for (const kind of added) kinds.add(kind);
      return [...kinds];
    },
  };
}
