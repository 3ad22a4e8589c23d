import { DependencyCycleError, ErrorCode } from "../../errors.ts";
import { compareText } from "../_compare.ts";

/** Edges of a dependency graph: node → the nodes it depends on (which must come first). */
export type DependencyEdges = ReadonlyMap<string, readonly string[]>;

/**
 * A topological order of `nodes`: every node after the nodes it depends on. Among nodes
 * that are ready at the same time, the one earlier in `nodes` goes first, so the caller
 * decides ties by the order it passes the nodes in, never by hash or insertion accident.
 * Edges to nodes not in `nodes` are ignored. Throws DependencyCycleError naming a cycle.
 */
export function topologicalOrder(
  nodes: readonly string[],
  edges: DependencyEdges,
  cycleCode: typeof ErrorCode.SchemaCycle | typeof ErrorCode.ImportCycle = ErrorCode.SchemaCycle,
): string[] {
  const rank = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (!rank.has(node)) rank.set(node, index);
  });
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of rank.keys()) {
    const dependencies = new Set((edges.get(node) ?? []).filter((dep) => rank.has(dep)));
    waitingOn.set(node, dependencies.size);
    for (const dep of dependencies) {
      const list = dependents.get(dep);
      if (list) list.push(node);
      else dependents.set(dep, [node]);
    }
  }
  const ready = new RankHeap(rank);
  for (const [node, count] of waitingOn) if (count === 0) ready.push(node);
  const order: string[] = [];
  for (let node = ready.pop(); node !== undefined; node = ready.pop()) {
    order.push(node);
    for (const dependent of dependents.get(node) ?? []) {
      const left = (waitingOn.get(dependent) ?? 0) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length < rank.size) {
    const [cycle] = findCycles(
      [...rank.keys()].filter((n) => (waitingOn.get(n) ?? 0) > 0),
      edges,
    );
    throw new DependencyCycleError(cycleCode, cycle ?? [], {
      hint: "remove one of the dependencies in the cycle",
    });
  }
  return order;
}

/** The reverse of a load order: the order to shut down in. */
export function shutdownOrder(loadOrder: readonly string[]): string[] {
  return [...loadOrder].reverse();
}

/**
 * One cycle per strongly connected component (a self-loop counts), each rotated to
 * start at its smallest node and closed (first = last), sorted. A cycle is reported once
 * however many nodes it passes: the shortest cycle through the component's smallest node.
 */
export function findCycles(nodes: readonly string[], edges: DependencyEdges): string[][] {
  const inGraph = new Set(nodes);
  const successors = (node: string): string[] =>
    [...new Set(edges.get(node) ?? [])].filter((n) => inGraph.has(n)).sort(compareText);
  const cycles: string[][] = [];
  for (const component of stronglyConnected([...inGraph].sort(compareText), successors)) {
    const members = new Set(component);
    const start = [...component].sort(compareText)[0];
    if (start === undefined) continue;
    if (component.length === 1 && !successors(start).includes(start)) continue;
    cycles.push(shortestCycle(start, (n) => successors(n).filter((s) => members.has(s))));
  }
  return cycles.sort((a, b) => compareText(a.join("\0"), b.join("\0")));
}

function shortestCycle(start: string, successors: (node: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    for (const next of successors(node)) {
      if (next === start) {
        const path = [node];
        for (let at = node; at !== start; ) {
          at = previous.get(at) as string;
          path.push(at);
        }
        return [...path.reverse(), start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Tarjan's algorithm, iterative so deep graphs do not overflow the stack. */
function stronglyConnected(nodes: readonly string[], successors: (node: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: string[]; at: number }> = [];
    const visit = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: successors(node), at: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as (typeof work)[number];
      if (frame.at < frame.next.length) {
        const next = frame.next[frame.at++] as string;
        if (!index.has(next)) visit(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** A binary min-heap of nodes ordered by their rank. */
class RankHeap {
  private readonly items: string[] = [];
  private readonly rank: ReadonlyMap<string, number>;

  constructor(rank: ReadonlyMap<string, number>) {
    this.rank = rank;
  }

  push(node: string): void {
    const items = this.items;
    items.push(node);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.before(items[parent] as string, node)) break;
      items[i] = items[parent] as string;
      i = parent;
    }
    items[i] = node;
  }

  pop(): string | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.before(items[right] as string, items[left] as string) ? right : left;
      if (this.before(last, items[child] as string)) break;
      items[i] = items[child] as string;
      i = child;
    }
    items[i] = last;
    return top;
  }

  private before(a: string, b: string): boolean {
    return (this.rank.get(a) ?? 0) < (this.rank.get(b) ?? 0);
  }
}
