import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { copyFixture, removeCopies } from "./_project.ts";

vi.mock("../../src/codegen/pipeline.ts", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  runPipeline: async () => {
    throw new Error("boom");
  },
}));

const { runCli } = await import("../../src/codegen/cli.ts");

function capture() {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), color: false };
  return { io, out: () => ({ stdout, stderr }) };
}

afterAll(removeCopies);

describe("an internal crash", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("prints the message and 'this is a bug', exit 2, no stack trace", async () => {
    vi.stubEnv("SPOC_DEBUG", "");
    const { io, out } = capture();
    // A project never checked: no stored result answers for the pipeline.
    expect(await runCli(["check", "--root", await copyFixture("clean")], io)).toBe(2);
    expect(out().stderr).toContain("spoc: internal error: boom");
    expect(out().stderr).toContain("this is a bug");
    expect(out().stderr).not.toMatch(/\n\s+at /);
  });

  it("prints the stack with SPOC_DEBUG=1", async () => {
    vi.stubEnv("SPOC_DEBUG", "1");
    const { io, out } = capture();
    expect(await runCli(["graph", "--root", "."], io)).toBe(2);
    expect(out().stderr).toMatch(/\n\s+at /);
  });
});
