/**
 * The module graph of `spoc graph`: nodes are `<app>.<module>`, edges are schema
 * dependencies (inside an app) and runtime imports (between app modules), each pointing
 * from the dependent to what it depends on. Rendered as Mermaid, Graphviz DOT or JSON.
 * Ordering is deterministic: nodes in installation then schema order, edges sorted.
 */
import type { SourceLocation } from "../../errors.ts";
import type { PipelineResult, ProjectModel } from "../model.ts";
import { toJsonDiagnostic, type JsonDiagnostic } from "./format-json.ts";
import { compareText } from "../_compare.ts";

export type ModuleEdgeKind = "schema" | "import";

export interface ModuleNode {
  /** `"<app>.<module>"`. */
  readonly id: string;
  readonly app: string;
  readonly module: string;
  /** Relative path, `null` when the app has no such module file. */
  readonly file: string | null;
  readonly components: number;
}

/** An edge from a dependent node to what it depends on, where that is declared. */
export interface GraphEdge<Location extends SourceLocation | null = SourceLocation> {
  readonly from: string;
  readonly to: string;
  readonly location: Location;
}

/** A graph's nodes and edges. */
export interface Graph<Node, Edge extends GraphEdge<SourceLocation | null>> {
  readonly nodes: readonly Node[];
  readonly edges: readonly Edge[];
}

export interface ModuleEdge extends GraphEdge<SourceLocation | null> {
  readonly kind: ModuleEdgeKind;
  /** The dependency declaration or the (first) import statement. */
  readonly location: SourceLocation | null;
}

export interface ModuleGraph extends Graph<ModuleNode, ModuleEdge> {
  readonly loadOrder: readonly string[];
}

/** The graph of a scanned project. Type-only imports are not edges. */
export function moduleGraph(model: ProjectModel, loadOrder: readonly string[] = []): ModuleGraph {
  const nodes = model.modules.map((m) => ({
    id: m.name,
    app: m.app,
    module: m.module,
    file: m.file ?? null,
    components: m.components.length,
  }));
  const known = new Set(nodes.map((n) => n.id));
  const edges = new Map<string, ModuleEdge>();
  const add = (edge: ModuleEdge): void => {
    const key = `${edge.kind}\0${edge.from}\0${edge.to}`;
    if (!edges.has(key) && known.has(edge.from) && known.has(edge.to)) edges.set(key, edge);
  };
  for (const app of model.apps) {
    for (const module of model.schema.modules) {
      for (const dependency of model.schema.dependencies[module] ?? []) {
        const location = model.schema.dependencyLocations[`${module}->${dependency}`];
        add({
          from: `${app.name}.${module}`,
          to: `${app.name}.${dependency}`,
          kind: "schema",
          location: location ?? null,
        });
      }
    }
  }
  for (const module of model.modules) {
    const imports = module.imports
      .filter((i) => !i.typeOnly)
      .sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column);
    for (const i of imports) {
      add({
        from: module.name,
        to: i.target,
        kind: "import",
        location: { file: i.file, line: i.line, column: i.column },
      });
    }
  }
  const sorted = [...edges.values()].sort(
    (a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.kind, b.kind),
  );
  return { nodes, edges: sorted, loadOrder };
}

/** Mermaid `graph TD`: one subgraph per app; import edges solid, schema edges dotted. */
export function formatMermaid(graph: ModuleGraph): string {
  const ids = mermaidIds(graph.nodes);
  const lines = ["graph TD"];
  for (const [app, nodes] of byApp(graph.nodes)) {
    lines.push(`  subgraph ${mermaidId(`app_${app}`)}["${escapeMermaid(app)}"]`);
    for (const node of nodes) {
      const shape = node.file === null ? `("${escapeMermaid(node.id)} (missing)")` : `["${escapeMermaid(node.id)}"]`;
      lines.push(`    ${ids.get(node.id)}${shape}`);
    }
    lines.push("  end");
  }
  for (const edge of graph.edges) {
    const arrow = edge.kind === "schema" ? "-. schema .->" : "-->";
    lines.push(`  ${ids.get(edge.from)} ${arrow} ${ids.get(edge.to)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Graphviz `digraph`: one cluster per app; import edges solid, schema edges dashed. */
export function formatDot(graph: ModuleGraph): string {
  const lines = ["digraph spoc {", "  rankdir=TB;", "  node [shape=box];"];
  for (const [app, nodes] of byApp(graph.nodes)) {
    lines.push(`  subgraph ${dotString(`cluster_${app}`)} {`, `    label=${dotString(app)};`);
    for (const node of nodes) {
      lines.push(`    ${dotString(node.id)}${node.file === null ? " [style=dashed]" : ""};`);
    }
    lines.push("  }");
  }
  for (const edge of graph.edges) {
    const style = edge.kind === "schema" ? ' [style=dashed, label="schema"]' : "";
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)}${style};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export interface GraphJsonReport extends ModuleGraph {
  readonly ok: boolean;
  readonly diagnostics: readonly JsonDiagnostic[];
}

/** `spoc graph --format json`: the check report's envelope plus nodes and edges. */
export function toGraphJson(graph: ModuleGraph, result: PipelineResult): GraphJsonReport {
  return {
    ok: !result.diagnostics.some((d) => d.severity === "error"),
    loadOrder: graph.loadOrder,
    nodes: graph.nodes,
    edges: graph.edges,
    diagnostics: result.diagnostics.map(toJsonDiagnostic),
  };
}

function byApp(nodes: readonly ModuleNode[]): Map<string, ModuleNode[]> {
  const apps = new Map<string, ModuleNode[]>();
  for (const node of nodes) {
    const list = apps.get(node.app);
    if (list) list.push(node);
    else apps.set(node.app, [node]);
  }
  return apps;
}

function mermaidIds(nodes: readonly ModuleNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const node of nodes) {
    let id = mermaidId(node.id);
    for (let n = 2; used.has(id); n++) id = `${mermaidId(node.id)}_${n}`;
    used.add(id);
    ids.set(node.id, id);
  }
  return ids;
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, "#quot;");
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
