import { describe, expect, it } from "vitest";
import { DependencyCycleError, ErrorCode } from "../../src/errors.ts";
import { findCycles, shutdownOrder, topologicalOrder } from "../../src/codegen/check/graph.ts";

const edges = (record: Record<string, string[]>) => new Map(Object.entries(record));

describe("topologicalOrder", () => {
  it("puts dependencies first", () => {
    const order = topologicalOrder(
      ["views", "services", "models", "workers"],
      edges({ views: ["models"], services: ["models"], workers: ["models", "services"] }),
    );
    expect(order.indexOf("models")).toBeLessThan(order.indexOf("views"));
    expect(order.indexOf("services")).toBeLessThan(order.indexOf("workers"));
  });

  it("breaks ties by the order nodes are given, not by insertion or hash order", () => {
    const graph = edges({ b: ["root"], a: ["root"], c: ["root"] });
    expect(topologicalOrder(["root", "c", "a", "b"], graph)).toEqual(["root", "c", "a", "b"]);
    expect(topologicalOrder(["root", "a", "b", "c"], graph)).toEqual(["root", "a", "b", "c"]);
    // Independent modules keep their given order: the original started them in random order.
    expect(topologicalOrder(["x", "y", "z"], new Map())).toEqual(["x", "y", "z"]);
  });

  it("reverses the load order for shutdown", () => {
    const order = topologicalOrder(
      ["models", "services", "views"],
      edges({ services: ["models"], views: ["services"] }),
    );
    expect(shutdownOrder(order)).toEqual(["views", "services", "models"]);
  });

  it("names the whole cycle", () => {
    const order = (): string[] =>
      topologicalOrder(["a", "b", "c", "d"], edges({ a: ["c"], b: ["a"], c: ["b"], d: [] }));
    expect(order).toThrow(DependencyCycleError);
    expect(order).toThrow(
      expect.objectContaining({
        cycle: ["a", "c", "b", "a"],
        message: "dependency cycle: a -> c -> b -> a",
        code: ErrorCode.SchemaCycle,
      }),
    );
  });

  it("detects a self-loop", () => {
    expect(() => topologicalOrder(["a"], edges({ a: ["a"] }))).toThrowError("dependency cycle: a -> a");
  });

  it("ignores edges to nodes outside the graph", () => {
    expect(topologicalOrder(["a"], edges({ a: ["elsewhere"] }))).toEqual(["a"]);
  });
});

describe("findCycles", () => {
  it("reports each cycle once, rotated to its smallest node, closed", () => {
    const cycles = findCycles(
      ["blog.services", "users.services", "comments.services", "x", "y"],
      edges({
        "users.services": ["comments.services"],
        "comments.services": ["blog.services"],
        "blog.services": ["users.services"],
        x: ["y"],
        y: ["x"],
      }),
    );
    expect(cycles).toEqual([
      ["blog.services", "users.services", "comments.services", "blog.services"],
      ["x", "y", "x"],
    ]);
  });

  it("returns nothing for an acyclic graph and reports self-loops", () => {
    expect(findCycles(["a", "b"], edges({ a: ["b"] }))).toEqual([]);
    expect(findCycles(["a", "b"], edges({ b: ["b"] }))).toEqual([["b", "b"]]);
  });
});
