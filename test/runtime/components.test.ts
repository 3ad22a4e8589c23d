import { describe, expect, it } from "vitest";
import { Components, kindBelongsToModule, pluralOf } from "../../src/components.ts";
import { ErrorCode, SpocError } from "../../src/errors.ts";

describe("Components", () => {
  it("registers a class through the decorator and keeps the class unchanged", () => {
    const components = new Components("model", "view");
    const model = components.register("model");

    @model
    class User {
      name = "alice";
    }

    expect(new User().name).toBe("alice");
    expect(components.isComponent("model", User)).toBe(true);
    expect(components.isComponent("view", User)).toBe(false);
    expect(components.getInfo(User)).toEqual({ kind: "model", config: {} });
  });

  it("registers a function through the wrapper and returns the same function", () => {
    const components = new Components("view");
    const view = components.register("view");
    async function listPosts(): Promise<string[]> {
      return ["a"];
    }
    const wrapped = view(listPosts);
    expect(wrapped).toBe(listPosts);
    expect(components.isComponent("view", listPosts)).toBe(true);
  });

  it("treats kind names case-insensitively", () => {
    const components = new Components("Model");
    const model = components.register("MODEL");
    const user = model({ id: 1 });
    expect(components.isComponent("model", user)).toBe(true);
    expect(components.isComponent("Model", user)).toBe(true);
    expect(components.types).toEqual(["model"]);
  });

  it("names the undeclared kind and the declared ones", () => {
    const components = new Components("model", "view");
    expect(() => components.register("service")).toThrowError(
      'unknown component kind "service"; declared kinds: "model", "view"',
    );
    const misspelt = (): boolean => components.isComponent("servce", {});
    expect(misspelt).toThrow(SpocError);
    expect(misspelt).toThrow(
      expect.objectContaining({ code: ErrorCode.UnknownKind, hint: expect.stringContaining('addType("servce")') }),
    );
  });

  it("refuses to register null or undefined", () => {
    const model = new Components("model").register("model");
    expect(() => model(null as unknown as object)).toThrowError("cannot register null as a model component");
    expect(() => model(undefined as unknown as object)).toThrowError("cannot register undefined as a model component");
  });

  it("adds kinds later with defaults merged under per-component config", () => {
    const components = new Components();
    components.addType("worker", { restart: true, interval: 60 });
    const worker = components.register("worker", { config: { interval: 5 } });
    const job = worker(function job() {});
    expect(components.getInfo(job)).toEqual({ kind: "worker", config: { restart: true, interval: 5 } });
    expect(components.getInfo(function other() {})).toBeUndefined();
    expect(components.getInfo(42)).toBeUndefined();
  });

  it("matches kinds to module names by singular or plural", () => {
    expect(kindBelongsToModule("model", "models")).toBe(true);
    expect(kindBelongsToModule("model", "model")).toBe(true);
    expect(kindBelongsToModule("service", "models")).toBe(false);
    expect(pluralOf("service")).toBe("services");
    expect(pluralOf("policy")).toBe("policies");
    expect(pluralOf("index")).toBe("indexes");
  });
});
