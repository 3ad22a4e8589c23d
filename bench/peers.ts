/**
 * `npm run bench -- --only peers`: `spoc check` beside dependency-cruiser (a `no-circular`
 * rule, TypeScript pre-compilation dependencies on) and madge `--circular`, on the same
 * synthetic projects (with import cycles added between some apps), interleaved, each with the
 * cycles it found so the work compared is equal.
 * The peers live in bench/peers/ (installed there on first use: they need TypeScript's
 * JavaScript API, which spoc's own TypeScript 7 devDependency does not have).
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuMedian, interleave, median, runChild, type Row, type Sample } from "./_harness.ts";
import { REPO_ROOT, appName } from "./synth.ts";

const PEERS = join(REPO_ROOT, "bench", "peers");
const bin = (name: string): string => join(PEERS, "node_modules", ".bin", name);

/** Rows for every size: each tool's median wall time, with the cycles it reported. */
export function benchPeers(
  sizes: readonly number[],
  runs: number,
  projectDir: (n: number) => string,
  log: (message: string) => void,
): Row[] {
  if (!existsSync(bin("depcruise")) || !existsSync(bin("madge"))) {
    log("installing the peers in bench/peers (npm ci)");
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: PEERS, stdio: "ignore" });
  }
  const rows: Row[] = [];
  for (const n of sizes) {
    const root = projectDir(n);
    const cycles = addCycles(root, n);
    log(`peers ${n}: added ${cycles} import cycles between apps' services, so every tool has cycles to find`);
    const config = join(root, ".dependency-cruiser.cjs");
    writeFileSync(
      config,
      `module.exports = {
  forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }],
  options: { tsPreCompilationDeps: true, doNotFollow: { path: "node_modules" }, tsConfig: { fileName: "tsconfig.json" } },
};
`,
    );
    const spocCache = join(root, "node_modules", ".cache", "spoc");
    const cruiseCache = join(root, "node_modules", ".cache", "dependency-cruiser");
    const spoc = () =>
      runChild(process.execPath, [join(REPO_ROOT, "bin", "spoc.js"), "check", "--format", "json", "--root", root], {
        allowFailure: true,
      });
    const depcruise = (cache: boolean) => () =>
      runChild(
        bin("depcruise"),
        ["apps", "--config", config, "--output-type", "json", ...(cache ? ["--cache", cruiseCache] : [])],
        { cwd: root, allowFailure: true },
      );
    const cold = (dir: string, run: () => Sample) => (): Sample => {
      rmSync(dir, { recursive: true, force: true });
      return run();
    };
    const variants = {
      spocCold: cold(spocCache, spoc),
      spocWarm: spoc,
      depcruiseCold: depcruise(false),
      depcruiseWarm: depcruise(true),
      madge: () =>
        runChild(bin("madge"), ["--circular", "--extensions", "ts", "--json", "apps"], {
          cwd: root,
          allowFailure: true,
        }),
    };
    interleave(1, variants);
    const samples = interleave(runs, variants);
    const spocCycles = (sample: Sample) =>
      (JSON.parse(sample.stdout) as { diagnostics: { code: string }[] }).diagnostics.filter((d) => d.code === "SPOC002")
        .length;
    const cruiseCycles = (sample: Sample) =>
      (
        JSON.parse(sample.stdout) as { summary: { violations: { rule: { name: string } }[] } }
      ).summary.violations.filter((v) => v.rule.name === "no-circular").length;
    const madgeCycles = (sample: Sample) => (JSON.parse(sample.stdout) as unknown[]).length;
    const wall = (name: keyof typeof samples) => median(samples[name].map((s) => s.wallMs));
    const measures = [
      ["spocCold", "spoc check, cold", spocCycles, "depcruiseCold"],
      ["spocWarm", "spoc check, warm (result cache)", spocCycles, "depcruiseWarm"],
      ["depcruiseCold", "dependency-cruiser no-circular, cold", cruiseCycles, undefined],
      ["depcruiseWarm", "dependency-cruiser no-circular, warm (--cache)", cruiseCycles, undefined],
      ["madge", "madge --circular (no cache)", madgeCycles, undefined],
    ] as const;
    const cpu = (name: keyof typeof samples) => cpuMedian(samples[name]);
    const fastestPeer = (mode: "depcruiseCold" | "depcruiseWarm") => Math.min(wall(mode), wall("madge"));
    // CPU time (user + system, /usr/bin/time) suffers less than wall time from a loaded machine.
    const fastestPeerCpu = (mode: "depcruiseCold" | "depcruiseWarm") => {
      const peers = [cpu(mode), cpu("madge")].filter((value): value is number => value !== undefined);
      return peers.length === 2 ? Math.min(...peers) : undefined;
    };
    for (const [name, label, cycles, against] of measures) {
      const value = wall(name);
      const found = cycles(samples[name][0] as Sample);
      log(
        `peers ${n}: ${label} ${value.toFixed(0)} ms (CPU ${cpu(name)?.toFixed(0) ?? "?"} ms), ${found} cycle report(s)`,
      );
      const peer = against === undefined ? undefined : fastestPeer(against);
      rows.push({
        section: "peers",
        measure: `${label} (${found} cycles)${peer === undefined ? "" : ", vs the fastest peer"}`,
        size: String(n),
        median: value,
        baseline: peer,
        unit: "ms",
        target: peer === undefined ? "–" : "≤ 0.5× fastest peer",
        met: peer === undefined ? undefined : value <= 0.5 * peer,
        runs,
      });
      const cpuValue = cpu(name);
      if (cpuValue !== undefined)
        rows.push({
          section: "peers",
          measure: `${label}, CPU time${against === undefined ? "" : ", vs the fastest peer's"}`,
          size: String(n),
          median: cpuValue,
          baseline: against === undefined ? undefined : fastestPeerCpu(against),
          unit: "ms",
          target: "–",
          runs,
        });
    }
  }
  return rows;
}

/** Makes app i and app i+1 import each other's services for i = 10, 110, 210, …; returns how many pairs. */
function addCycles(root: string, apps: number): number {
  let pairs = 0;
  for (let i = 10; i + 1 <= apps; i += 100) {
    const services = (k: number): string => join(root, "apps", appName(k), "services.ts");
    appendFileSync(services(i), `import "../${appName(i + 1)}/services.ts";\n`);
    appendFileSync(services(i + 1), `import "../${appName(i)}/services.ts";\n`);
    pairs++;
  }
  return pairs;
}
