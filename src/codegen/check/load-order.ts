/**
 * The baked load order: a topological order of the module nodes that have a file, where a
 * node comes after the modules its schema dependencies name (inside its app, transitively, so
 * a module skipped in loose mode does not lose an ordering) and after the app modules it
 * imports at run time. Ties go to app installation order, then schema module order.
 */
import { DependencyCycleError } from "../../errors.ts";
import { topologicalOrder } from "./graph.ts";
import type { ProjectModel, SchemaModel } from "../model.ts";

/** For each schema module, every module it depends on, directly or not (itself excluded). */
export function dependencyClosure(schema: Pick<SchemaModel, "modules" | "dependencies">): Map<string, Set<string>> {
  const closure = new Map<string, Set<string>>();
  for (const module of schema.modules) {
    const reached = new Set<string>();
    const stack = [...(schema.dependencies[module] ?? [])];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (reached.has(next) || next === module) continue;
      reached.add(next);
      stack.push(...(schema.dependencies[next] ?? []));
    }
    closure.set(module, reached);
  }
  return closure;
}

/** Node → the nodes it must load after: schema dependencies inside its app and runtime imports. */
export function moduleEdges(model: Pick<ProjectModel, "modules" | "schema">): Map<string, string[]> {
  const closure = dependencyClosure(model.schema);
  const existing = new Set(model.modules.filter((module) => module.file !== undefined).map((module) => module.name));
  const edges = new Map<string, string[]>();
  for (const module of model.modules) {
    if (module.file === undefined) continue;
    const after = new Set<string>();
    for (const dependency of closure.get(module.module) ?? []) {
      const node = `${module.app}.${dependency}`;
      if (existing.has(node)) after.add(node);
    }
    for (const imported of module.imports)
      if (!imported.typeOnly && existing.has(imported.target)) after.add(imported.target);
    edges.set(module.name, [...after]);
  }
  return edges;
}

/** The load order, or `undefined` when a cycle prevents one (the cycle is reported by the checks). */
export function computeLoadOrder(model: Pick<ProjectModel, "modules" | "schema">): string[] | undefined {
  const nodes = model.modules.filter((module) => module.file !== undefined).map((module) => module.name);
  try {
    return topologicalOrder(nodes, moduleEdges(model));
  } catch (error) {
    if (error instanceof DependencyCycleError) return undefined;
    throw error;
  }
}
