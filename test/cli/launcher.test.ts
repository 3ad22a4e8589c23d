/**
 * bin/spoc.js runs the CLI bundled into node_modules/.cache/spoc/, builds the bundle when a
 * source file changed, and falls back to tsx. Runs on a copy of the package (bin/, src/,
 * package.json, and a node_modules of links to this repository's packages), so its cache
 * is its own.
 */
import { execFile, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askParseWorker } from "../codegen/_parse-worker.ts";
import { registryFiles } from "../../src/codegen/index.ts";
import { runPipelineSync } from "../../src/codegen/pipeline.ts";
import { factsOfText } from "../../src/codegen/scan/file-facts.ts";
import { syntheticProject } from "../codegen/_sources.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
let pkg = "";

/** Copies spoc's package into `dir`, with `modules` a node_modules of links to this repository's packages. */
async function installSpoc(dir: string, modules: string): Promise<void> {
  for (const item of ["bin", "src", "package.json"]) await cp(join(repo, item), join(dir, item), { recursive: true });
  await mkdir(modules, { recursive: true });
  for (const name of await readdir(join(repo, "node_modules"))) {
    if (!name.startsWith(".")) await symlink(join(repo, "node_modules", name), join(modules, name));
  }
}

beforeAll(async () => {
  pkg = await mkdtemp(join(tmpdir(), "spoc-launcher-"));
  await installSpoc(pkg, join(pkg, "node_modules"));
});

afterAll(async () => {
  if (pkg !== "") await rm(pkg, { recursive: true, force: true });
});

function spoc(
  args: readonly string[],
  env: Record<string, string> = {},
  packageDir = pkg,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(packageDir, "bin", "spoc.js"), ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The bundles in the cache: the CLI's folders (`cli-<hash of the sources>`: entry and chunks) and the parse workers' files. */
const built = async (dir = join(pkg, "node_modules", ".cache", "spoc")): Promise<string[]> =>
  (await readdir(dir).catch(() => [])).filter((name) => /^(cli-\w+|parse-worker-\w+\.mjs)$/.test(name));
/** The CLI's bundles; each comes with the parse worker's bundle of the same sources (checked by `withWorker`). */
const bundles = async (): Promise<string[]> => (await built()).filter((name) => name.startsWith("cli-"));
/** The CLI's bundle and the parse worker's bundle built with it (the one a cold gen of a large project starts). */
const withWorker = (cli: string | undefined): string[] => [
  cli ?? "",
  `${(cli ?? "").replace(/^cli-/, "parse-worker-")}.mjs`,
];
/** Removes the cache: a test that counts or picks bundles starts from none, whatever test ran before it. */
const clearCache = (): Promise<void> => rm(join(pkg, "node_modules", ".cache"), { recursive: true, force: true });
/** The CLI's entry in its bundle. */
const entryOf = (cli: string | undefined): string => join(pkg, "node_modules", ".cache", "spoc", cli ?? "", "cli.mjs");

describe("bin/spoc.js", () => {
  it("bundles the CLI once, reuses the bundle, and rebuilds it after a source edit", async () => {
    await clearCache();
    const version = (JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as { version: string }).version;
    const first = await spoc(["--version"]);
    expect(first).toMatchObject({ code: 0, stdout: `spoc ${version}\n` });
    const original = await bundles();
    expect(original).toHaveLength(1);
    expect(await built()).toEqual(withWorker(original[0]));

    expect((await spoc(["--version"])).stdout).toBe(`spoc ${version}\n`);
    expect(await bundles()).toEqual(original);

    // A build killed before its rename left its temporary file; its process is gone.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const leftover = `cli-0123456789abcdef.${gone}.tmp`;
    await writeFile(join(pkg, "node_modules", ".cache", "spoc", leftover), "half a bund");

    // A source file changed: a new bundle is built; the old one, just run, is kept for a
    // process started from it that has yet to load a chunk.
    const edit = async (seconds: number): Promise<void> => {
      const later = new Date(Date.now() + seconds * 1000);
      await utimes(join(pkg, "src", "errors.ts"), later, later);
    };
    await edit(5);
    expect((await spoc(["--version"])).code).toBe(0);
    const rebuilt = (await bundles()).filter((name) => !original.includes(name));
    expect(rebuilt).toHaveLength(1);
    expect((await built()).sort()).toEqual([...withWorker(original[0]), ...withWorker(rebuilt[0])].sort());

    // Bundles of other sources not run for a while go, and so does the leftover.
    const longAgo = new Date(Date.now() - 3_600_000);
    for (const name of [...original, ...rebuilt])
      await utimes(join(pkg, "node_modules", ".cache", "spoc", name), longAgo, longAgo);
    await edit(10);
    expect((await spoc(["--version"])).code).toBe(0);
    const latest = await bundles();
    expect(latest).toHaveLength(1);
    expect(latest).not.toEqual(original);
    expect(latest).not.toEqual(rebuilt);
    expect(await readdir(join(pkg, "node_modules", ".cache", "spoc"))).toEqual(withWorker(latest[0]));
  });

  it("runs a command through the bundle and exits with the CLI's code", async () => {
    const project = join(pkg, "project");
    await cp(join(repo, "test", "fixtures", "cli-clean"), project, { recursive: true });
    const gen = await spoc(["gen", "--root", project]);
    expect(gen.stdout).toMatch(/^spoc gen: generated\/registry\.ts updated \(\d+ modules, \d+ components\)/);
    expect(gen.code).toBe(0);
    expect(await readdir(join(project, "generated"))).toEqual([
      "registry.data.d.ts",
      "registry.data.js",
      "registry.ts",
    ]);
    const usage = await spoc(["nope"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: spoc");
  });

  it("a cold gen of a large project parses on the worker bundled beside the CLI, and writes what a serial run renders", async () => {
    await clearCache(); // the one bundle below is the one this gen builds and runs
    const { root, remove } = syntheticProject(60); // 240 module files: above the threshold
    try {
      const gen = await spoc(["gen", "--root", root]);
      expect(gen).toMatchObject({ code: 0, stderr: "" });
      const [cli] = await bundles();
      const worker = join(pkg, "node_modules", ".cache", "spoc", withWorker(cli)[1] ?? "");
      // The CLI (one of its chunks) names the worker it starts; the worker answers with the facts this thread reads.
      const folder = join(pkg, "node_modules", ".cache", "spoc", cli ?? "");
      const chunks = await Promise.all((await readdir(folder)).map((name) => readFile(join(folder, name), "utf8")));
      expect(chunks.join("\n")).toContain(JSON.stringify(pathToFileURL(worker).href));
      const file = join(root, "apps", "app7", "services.ts");
      expect(await askParseWorker(worker, [file])).toEqual([
        {
          path: file,
          stat: expect.objectContaining({ size: (await stat(file)).size }),
          hash: expect.any(String),
          facts: factsOfText(file, await readFile(file, "utf8")),
        },
      ]);
      const serial = runPipelineSync({ root });
      for (const { file: name, text } of registryFiles(serial.registry!))
        expect(await readFile(join(root, name), "utf8"), name).toBe(text);
    } finally {
      remove();
    }
  });

  it("runs the sources through tsx when asked to, or when no bundle can be built", async () => {
    const viaTsx = await spoc(["--version"], { SPOC_CLI_TSX: "1" });
    expect(viaTsx.code).toBe(0);
    expect(viaTsx.stdout).toMatch(/^spoc \d+\.\d+\.\d+\n$/);

    // The cache folder cannot be created: a file is in the way.
    await rm(join(pkg, "node_modules", ".cache"), { recursive: true, force: true });
    await writeFile(join(pkg, "node_modules", ".cache"), "not a folder\n");
    const later = new Date(Date.now() + 10_000);
    await utimes(join(pkg, "src", "errors.ts"), later, later);
    const fallback = await spoc(["--version"]);
    expect(fallback.code).toBe(0);
    expect(fallback.stdout).toBe(viaTsx.stdout);
    expect(fallback.stderr).toBe("");
    await rm(join(pkg, "node_modules", ".cache"), { force: true });
  });

  it("bundles the CLI when installed as a dependency, its packages beside it rather than inside", async () => {
    const project = await mkdtemp(join(tmpdir(), "spoc-installed-"));
    try {
      const installed = join(project, "node_modules", "spoc");
      await installSpoc(installed, join(project, "node_modules"));
      const run = await spoc(["--version"], {}, installed);
      expect(run).toEqual({ code: 0, stdout: expect.stringMatching(/^spoc \d+\.\d+\.\d+\n$/), stderr: "" });
      const cache = await built(join(installed, "node_modules", ".cache", "spoc"));
      expect(cache).toHaveLength(2);
      expect(cache).toEqual(withWorker(cache[0]));
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it("runs the sources through tsx when the bundle cannot be loaded, and rebuilds it after a package.json change", async () => {
    await clearCache();
    expect((await spoc(["--version"])).code).toBe(0);
    const [cli] = await bundles();
    expect(cli).toBeDefined();
    await writeFile(entryOf(cli), "this is not JavaScript {\n");
    const broken = await spoc(["--version"]);
    expect(broken).toMatchObject({ code: 0, stderr: "" });
    expect(broken.stdout).toMatch(/^spoc \d+\.\d+\.\d+\n$/);
    expect(await bundles()).toEqual([]); // removed, so the next run builds it again
    expect((await spoc(["--version"])).stdout).toBe(broken.stdout);
    expect(await bundles()).toEqual([cli]);

    const manifest = join(pkg, "package.json");
    await writeFile(manifest, `${await readFile(manifest, "utf8")}\n`);
    expect((await spoc(["--version"])).stdout).toBe(broken.stdout);
    const rebuilt = (await bundles()).filter((name) => name !== cli);
    expect(rebuilt).toHaveLength(1);
    expect((await built()).sort()).toEqual([...withWorker(cli), ...withWorker(rebuilt[0])].sort());
    expect(await readFile(entryOf(rebuilt[0]), "utf8")).toContain("runCli");
    expect(
      (await readdir(join(pkg, "node_modules", ".cache", "spoc"))).filter((name) => name.endsWith(".tmp")),
    ).toEqual([]);
  });
});
