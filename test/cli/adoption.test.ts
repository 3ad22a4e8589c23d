/**
 * Adopting spoc on existing code, as a user meets it on the command line: a baseline that lets
 * CI pass with known diagnostics, and `--changed-since` in a real git repository.
 */
import { execFileSync } from "node:child_process";
import { readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeCopies, runSpoc } from "./_project.ts";
import { sarifViolations } from "./_sarif.ts";

afterAll(removeCopies);

describe("spoc check --baseline", () => {
  it("records today's diagnostics, survives line shifts, fails on a new one and reports the fixed", async () => {
    const root = await copyFixture("layer-violation");
    const baseline = join(root, "spoc-baseline.json");

    const missing = await runSpoc(["check", "--root", root, "--baseline", baseline]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("not found; create it with spoc check --baseline");

    const update = await runSpoc(["check", "--root", root, "--baseline", baseline, "--update-baseline"]);
    expect(update.code).toBe(0);
    const written = await readFile(baseline, "utf8");
    expect(JSON.parse(written)).toEqual({
      version: 1,
      entries: [
        {
          code: "SPOC003",
          file: "apps/blog/models.ts",
          key: 'blog.models imports users.services, but "models" does not depend on "services" in config/schema.ts',
          count: 1,
        },
      ],
    });
    await runSpoc(["check", "--root", root, "--baseline", baseline, "--update-baseline"]);
    expect(await readFile(baseline, "utf8")).toBe(written);

    // Lines move: the recorded diagnostic is still recognised.
    const models = join(root, "apps/blog/models.ts");
    await writeFile(models, `// a comment\n\n${await readFile(models, "utf8")}`);
    const known = await runSpoc(["check", "--root", root, "--baseline", baseline]);
    expect(known.code).toBe(0);
    expect(known.stdout).toBe(`0 errors, 0 warnings\n1 diagnostic recorded in ${baseline} left out\n`);

    // The recorded violation is fixed and a new one appears.
    await writeFile(models, 'import { model } from "../../framework/components.ts";\n\n@model\nexport class Post {}\n');
    const services = join(root, "apps/blog/services.ts");
    await writeFile(services, `${await readFile(services, "utf8")}import "../users/views.ts";\n`);
    const fresh = await runSpoc(["check", "--root", root, "--baseline", baseline]);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toContain("apps/blog/services.ts:13:8 - error SPOC003: blog.services imports users.views");
    expect(fresh.stdout).toContain(
      "1 baseline entry no longer found; run `spoc check --baseline " +
        baseline +
        " --update-baseline` to remove it:\n  SPOC003 apps/blog/models.ts: blog.models imports users.services",
    );

    const json = JSON.parse(
      (await runSpoc(["check", "--root", root, "--baseline", baseline, "--format", "json"])).stdout,
    );
    expect(json.ok).toBe(false);
    expect(json.diagnostics.map((d: { baselineState: string }) => d.baselineState)).toEqual(["new"]);
    expect(json.baseline.absent).toHaveLength(1);

    const sarif = JSON.parse(
      (await runSpoc(["check", "--root", root, "--baseline", baseline, "--format", "sarif"])).stdout,
    );
    expect(sarifViolations(sarif)).toEqual([]);
    expect(
      sarif.runs[0].results.map((r: { ruleId: string; baselineState: string }) => `${r.ruleId} ${r.baselineState}`),
    ).toEqual(["SPOC003 new", "SPOC003 absent"]);
  });

  it("still fails on a project it cannot read, even when the baseline records that error", async () => {
    const root = await copyFixture("bad-toml");
    const baseline = join(root, "spoc-baseline.json");
    await runSpoc(["check", "--root", root, "--baseline", baseline, "--update-baseline"]);
    const run = await runSpoc(["check", "--root", root, "--baseline", baseline]);
    expect(run.code).toBe(1);
  });

  it("says what is wrong with a file that is not a baseline", async () => {
    const root = await copyFixture("layer-violation");
    const baseline = join(root, "baseline.json");
    await writeFile(baseline, "[1, 2]");
    const run = await runSpoc(["check", "--root", root, "--baseline", baseline]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a spoc baseline: expected { "version": 1, "entries": [...] }');
  });

  it("marks recorded results unchanged in SARIF", async () => {
    const root = await copyFixture("layer-violation");
    const baseline = join(root, "baseline.json");
    await runSpoc(["check", "--root", root, "--baseline", baseline, "--update-baseline"]);
    const run = await runSpoc(["check", "--root", root, "--baseline", baseline, "--format", "sarif"]);
    expect(run.code).toBe(0);
    const sarif = JSON.parse(run.stdout);
    expect(sarif.runs[0].results.map((r: { baselineState: string }) => r.baselineState)).toEqual(["unchanged"]);
  });
});

describe("spoc check --changed-since", () => {
  it("reports only diagnostics that involve files changed since the ref", async () => {
    const root = await copyFixture("layer-violation");
    const git = (...args: string[]): string =>
      execFileSync("git", args, {
        cwd: root,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@t",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@t",
        },
      });
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "start");

    // Nothing changed: the existing violation in blog/models.ts is left out.
    const none = await runSpoc(["check", "--root", root, "--changed-since", "main"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("--changed-since main: 0 files changed; 1 diagnostic not involving them left out");

    // A new violation in a changed file is reported; the old one still is not.
    const services = join(root, "apps/blog/services.ts");
    await writeFile(services, `${await readFile(services, "utf8")}import "../users/views.ts";\n`);
    const changed = await runSpoc(["check", "--root", root, "--changed-since", "main"]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("apps/blog/services.ts:13:8 - error SPOC003");
    expect(changed.stdout).not.toContain("apps/blog/models.ts:2");
    expect(changed.stdout).toContain("1 file changed; 1 diagnostic not involving them left out");

    // The root named through a symbolic link: git names files by their real path.
    const link = `${root}-link`;
    await symlink(root, link);
    try {
      const linked = await runSpoc(["check", "--root", link, "--changed-since", "main"]);
      expect(linked.code).toBe(1);
      expect(linked.stdout).toContain("1 file changed; 1 diagnostic not involving them left out");
    } finally {
      await rm(link, { force: true });
    }

    const json = JSON.parse(
      (await runSpoc(["check", "--root", root, "--changed-since", "main", "--format", "json"])).stdout,
    );
    expect(json.changedSince).toEqual({ ref: "main", files: ["apps/blog/services.ts"] });
    expect(json.diagnostics.map((d: { file: string }) => d.file)).toEqual(["apps/blog/services.ts"]);

    const bad = await runSpoc(["check", "--root", root, "--changed-since", "no-such-ref"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--changed-since no-such-ref: git diff failed");
    expect(bad.stderr).toContain("; name a commit, branch or tag this clone has");
  });
});
