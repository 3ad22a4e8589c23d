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
 *
 * An instance's kinds are its constructor's arguments and the `addType` calls on it in the
 * file that declares it.
 */
import type { FileFacts, NameUse } from "./file-facts.ts";
import { resolveSpecifier, type FileExistence } from "./resolve.ts";

/** The package whose `Components` class declares kinds. */
const SPOC_PACKAGE = "spoc";

type Binding =
  | { readonly type: "registrar"; readonly kind: string; readonly instance: string }
  | { readonly type: "instance"; readonly id: string }
  | { readonly type: "components-class" }
  | { readonly type: "spoc-namespace" }
  | { readonly type: "namespace"; readonly file: string }
  | { readonly type: "other" };

const OTHER: Binding = { type: "other" };

/** A registrar: the kind it registers and the `Components` instance (`"<file>#<name>"`) it belongs to. */
export interface Registrar {
  readonly kind: string;
  readonly instance: string;
}

export interface KindResolver {
  /** The registrar `use` names, seen from `file`, if it is one. */
  registrar(file: string, use: NameUse): Registrar | undefined;
  /** The `Components` instances declared in `file`, as `"<file>#<name>"`. */
  instancesIn(file: string): string[];
  /** The kinds of an instance: constructor kinds, then `addType` kinds of its own file. */
  kindsOf(instance: string): string[];
}

/**
 * A resolver for one run. `factsOf` returns a file's facts (parsing it at most once), or
 * `undefined` when it cannot be read.
 */
export function createKindResolver(
  factsOf: (file: string) => FileFacts | undefined,
  existence: FileExistence,
): KindResolver {
  const memo = new Map<string, Binding>();
  const facts = factsOf;

  /** `compute()`, once per key; a cycle of re-exports resolves to nothing. */
  const once = (key: string, compute: () => Binding): Binding => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, OTHER);
    const binding = compute();
    memo.set(key, binding);
    return binding;
  };

  const resolveLocal = (file: string, name: string): Binding =>
    once(`${file}\0${name}`, () => computeLocal(file, name));

  const computeLocal = (file: string, name: string): Binding => {
    const fileFacts = facts(file);
    if (fileFacts === undefined) return OTHER;
    const registrar = fileFacts.registrars.get(name);
    if (registrar !== undefined) {
      const instance = resolveUse(file, registrar.instance);
      return instance.type === "instance" ? { type: "registrar", kind: registrar.kind, instance: instance.id } : OTHER;
    }
    const instance = fileFacts.instances.get(name);
    if (instance !== undefined) {
      return resolveUse(file, instance.constructorUse).type === "components-class"
        ? { type: "instance", id: `${file}#${name}` }
        : OTHER;
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

  const resolveExport = (file: string, exported: string): Binding =>
    once(`${file}\0export ${exported}`, () => computeExport(file, exported));

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
    registrar(file, use) {
      const binding = resolveUse(file, use);
      return binding.type === "registrar" ? { kind: binding.kind, instance: binding.instance } : undefined;
    },
    instancesIn(file) {
      const ids: string[] = [];
      for (const name of facts(file)?.instances.keys() ?? []) {
        const binding = resolveLocal(file, name);
        if (binding.type === "instance") ids.push(binding.id);
      }
      return ids;
    },
    kindsOf(id) {
      const at = id.lastIndexOf("#");
      const file = id.slice(0, at);
      const name = id.slice(at + 1);
      const fileFacts = facts(file);
      const kinds = [...(fileFacts?.instances.get(name)?.kinds ?? [])];
      for (const addition of fileFacts?.addedKinds ?? []) {
        if (addition.instance.member === undefined && addition.instance.name === name) kinds.push(addition.kind);
      }
      return kinds;
    },
  };
}
