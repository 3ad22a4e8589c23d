/**
 * `spoc why A B`: the runtime import chains from a module or app A to a module or app B, the
 * shortest first, each edge at the import that makes it.
 */
import type { SourceLocation } from "../../errors.ts";
import type { ProjectModel } from "../model.ts";
import { moduleGraph } from "./format-graph.ts";
import { compareText } from "../_compare.ts";

/** One import of a chain. */
export interface ChainEdge {
  readonly from: string;
  readonly to: string;
  readonly location: SourceLocation;
  /** When the import is made by helper files of `from`'s app (files outside its modules): those files, in order. */
  readonly through?: readonly string[];
}

export interface WhyResult {
  readonly from: string;
  readonly to: string;
  /** The shortest chains (fewest imports), sorted by their nodes; at most `limit`. */
  readonly chains: readonly (readonly ChainEdge[])[];
  /** Whether more shortest chains exist than were listed. */
  readonly truncated: boolean;
}

/** The module nodes a name stands for: the module itself, or every module of an app; `undefined` when unknown. */
export function modulesNamed(model: ProjectModel, name: string): string[] | undefined {
  if (model.modules.some((module) => module.name === name)) return [name];
  if (!model.apps.some((app) => app.name === name)) return undefined;
  return model.modules.filter((module) => module.app === name && module.file !== undefined).map((m) => m.name);
}

/** The shortest import chains from any module of `from` to any module of `to`. */
export function importChains(
  model: ProjectModel,
  from: readonly string[],
  to: readonly string[],
  names: { readonly from: string; readonly to: string },
  limit = 10,
): WhyResult {
  const edges = moduleGraph(model).edges.filter((edge) => edge.kind === "import");
  const out = new Map<string, ChainEdge[]>();
  const into = new Map<string, string[]>();
  for (const edge of edges) {
    const chainEdge = { from: edge.from, to: edge.to, location: edge.location ?? { file: "" } };
    push(out, edge.from, chainEdge);
    push(into, edge.to, edge.from);
  }
  // A module also reaches what its app's helper files import at run time (as the app rules see
  // it), located at the import that starts the chain, when no direct import does.
  for (const module of model.modules) {
    for (const imported of module.helperImports) {
      const { target, typeOnly, file, line, column, chain } = imported;
      if (target === undefined || typeOnly || target === module.name) continue;
      if ((out.get(module.name) ?? []).some((edge) => edge.to === target)) continue;
      const through = chain.slice(1).map((edge) => edge.file);
      push(out, module.name, { from: module.name, to: target, location: { file, line, column }, through });
      push(into, target, module.name);
    }
  }
  // Distance of every node to the nearest target, walking imports backwards.
  const targets = new Set(to);
  const distance = new Map<string, number>(to.map((node) => [node, 0]));
  let frontier = [...to];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const importer of into.get(node) ?? []) {
        if (distance.has(importer)) continue;
        distance.set(importer, (distance.get(node) ?? 0) + 1);
        next.push(importer);
      }
    }
    frontier = next;
  }
  const starts = from.filter((node) => !targets.has(node) && distance.has(node));
  const shortest = Math.min(...starts.map((node) => distance.get(node) ?? Number.POSITIVE_INFINITY));
  const chains: ChainEdge[][] = [];
  let truncated = false;
  // Every shortest chain: each step goes one closer to a target.
  const walk = (node: string, chain: ChainEdge[]): void => {
    if (chains.length >= limit) {
      truncated = true;
      return;
    }
    if (targets.has(node) && chain.length > 0) {
      chains.push([...chain]);
      return;
    }
    const left = distance.get(node) ?? 0;
    const steps = (out.get(node) ?? [])
      .filter((edge) => distance.get(edge.to) === left - 1)
      .sort((a, b) => compareText(a.to, b.to));
    for (const edge of steps) walk(edge.to, [...chain, edge]);
  };
  for (const start of [...starts].sort(compareText)) if (distance.get(start) === shortest) walk(start, []);
  return { ...names, chains, truncated };
}

/** The chains as text, one numbered block per chain with each import's location; ends with a newline. */
export function formatWhy(result: WhyResult): string {
  if (result.chains.length === 0) return `no runtime import chain from ${result.from} to ${result.to}\n`;
  const count = `${result.chains.length}${result.truncated ? "+" : ""}`;
  const length = result.chains[0]?.length ?? 0;
  const lines = [
    `${result.from} reaches ${result.to} through ${count} shortest chain${result.chains.length === 1 && !result.truncated ? "" : "s"} of ${length} import${length === 1 ? "" : "s"}:`,
  ];
  result.chains.forEach((chain, index) => {
    lines.push("", `  ${index + 1}. ${[chain[0]?.from, ...chain.map((edge) => edge.to)].join(" -> ")}`);
    for (const edge of chain) {
      const { file, line, column } = edge.location;
      const through = edge.through === undefined ? "" : ` through ${edge.through.join(", ")}`;
      lines.push(`       ${file}:${line ?? 1}:${column ?? 1}  ${edge.from} imports ${edge.to}${through}`);
    }
  });
  return `${lines.join("\n")}\n`;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
