/**
 * `--focus X`: the neighbourhood of one node (a module or an app) in a graph — the nodes that
 * reach it or that it reaches within `depth` edges, and the edges between them.
 */

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** The nodes within `depth` edges of any of `centre`, following edges both ways. */
export function neighbourhood(centre: readonly string[], edges: readonly Edge[], depth: number): Set<string> {
  const next = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  };
  for (const edge of edges) {
    link(edge.from, edge.to);
    link(edge.to, edge.from);
  }
  const kept = new Set(centre);
  let frontier = [...centre];
  for (let step = 0; step < depth && frontier.length > 0; step++) {
    const reached: string[] = [];
    for (const node of frontier) {
      for (const other of next.get(node) ?? []) {
        if (kept.has(other)) continue;
        kept.add(other);
        reached.push(other);
      }
    }
    frontier = reached;
  }
  return kept;
}

/** `graph` limited to `kept` nodes and the edges between them. */
export function limitGraph<
  G extends { readonly nodes: readonly { readonly id: string }[]; readonly edges: readonly Edge[] },
>(graph: G, kept: ReadonlySet<string>): G {
  return {
    ...graph,
    nodes: graph.nodes.filter((node) => kept.has(node.id)),
    edges: graph.edges.filter((edge) => kept.has(edge.from) && kept.has(edge.to)),
  };
}
