/**
 * The app-level graph of `spoc graph --level app`: one node per installed app, one edge per
 * pair of apps where a module of the first imports a file of the second at run time, with the
 * first such import and how many there are. With `[spoc.rules.apps]`, each edge says whether
 * the importer's rule allows it.
 */
import type { SourceLocation } from "../../errors.ts";
import { appImportsOf } from "../check/app-rules.ts";
import type { ProjectModel } from "../model.ts";
import type { Graph, GraphEdge } from "./format-graph.ts";
import { compareText } from "../_compare.ts";

export interface AppNode {
  readonly id: string;
  /** Modes the app is installed in, sorted. */
  readonly modes: readonly string[];
}

export interface AppEdge extends GraphEdge {
  /** Runtime imports from `from`'s modules of `to`'s files. */
  readonly imports: number;
  /** The first of them (by file, line, column). */
  readonly location: SourceLocation;
  /** `false` when `[spoc.rules.apps]` does not let `from` import `to`; `null` when `from` has no rule. */
  readonly allowed: boolean | null;
}

export type AppGraph = Graph<AppNode, AppEdge>;

/** The app graph of a scanned project; apps in installation order, edges sorted. */
export function appGraph(model: ProjectModel): AppGraph {
  const fileOf = new Map(model.modules.map((module) => [module.name, module.file]));
  const installed = new Set(model.apps.map((app) => app.name));
  const edges = new Map<string, { from: string; to: string; imports: number; location: SourceLocation }>();
  for (const module of model.modules) {
    for (const imported of appImportsOf(module, fileOf)) {
      if (imported.typeOnly || !installed.has(imported.app)) continue;
      const key = `${module.app}\0${imported.app}`;
      const location = { file: imported.file, line: imported.line, column: imported.column };
      const edge = edges.get(key);
      if (edge === undefined) edges.set(key, { from: module.app, to: imported.app, imports: 1, location });
      else {
        edge.imports++;
        if (compareLocations(location, edge.location) < 0) edge.location = location;
      }
    }
  }
  const rules = model.appRules.dependencies;
  return {
    nodes: model.apps.map((app) => ({ id: app.name, modes: app.modes })),
    edges: [...edges.values()]
      .sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to))
      .map((edge) => ({ ...edge, allowed: rules[edge.from]?.apps.includes(edge.to) ?? null })),
  };
}

/** Mermaid `graph TD`; an edge a rule forbids is drawn dotted and labelled. */
export function formatAppMermaid(graph: AppGraph): string {
  const id = (app: string): string => `app_${app.replace(/[^A-Za-z0-9_]/g, "_")}`;
  const lines = ["graph TD"];
  for (const node of graph.nodes) lines.push(`  ${id(node.id)}["${node.id.replace(/"/g, "#quot;")}"]`);
  for (const edge of graph.edges) {
    const arrow = edge.allowed === false ? "-. undeclared .->" : `-- ${edge.imports} -->`;
    lines.push(`  ${id(edge.from)} ${arrow} ${id(edge.to)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Graphviz `digraph`; an edge a rule forbids is red and dashed. */
export function formatAppDot(graph: AppGraph): string {
  const quote = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines = ["digraph spoc {", "  rankdir=TB;", "  node [shape=box];"];
  for (const node of graph.nodes) lines.push(`  ${quote(node.id)};`);
  for (const edge of graph.edges) {
    const style = edge.allowed === false ? ", color=red, style=dashed" : "";
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [label="${edge.imports}"${style}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function compareLocations(a: SourceLocation, b: SourceLocation): number {
  return compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
