/**
 * `npm run bench -- --only peers`: `spoc check` beside dependency-cruiser (a `no-circular`
 * rule, TypeScript pre-compilation dependencies on) and madge `--circular`, on the same
 * synthetic projects, interleaved, each with the cycles it found so the work compared is equal.
 * The peers live in bench/peers/ (installed there on first use: they need TypeScript's
 * JavaScript API, which spoc's own TypeScript 7 devDependency does not have).
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { interleave, median, runChild, type Row, type Sample } from "./_harness.ts";
import { REPO_ROOT } from "./synth.ts";

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
    const config = join(root, ".dependency-cruiser.cjs");
    writeFileSync(
      config,
      `module.exports = {
  forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }],
  options: { tsPreCompilationDeps: true, doNotFollow: { path: "node_modules" }, tsConfig: { fileName: "tsconfig.json" } },
};
`,
    );
    const variants = {
      spoc: () =>
        runChild(process.execPath, [join(REPO_ROOT, "bin", "spoc.js"), "check", "--format", "json", "--root", root], {
          allowFailure: true,
        }),
      depcruise: () =>
        runChild(bin("depcruise"), ["apps", "--config", config, "--output-type", "json"], {
          cwd: root,
          allowFailure: true,
        }),
      madge: () =>
        runChild(bin("madge"), ["--circular", "--extensions", "ts", "--json", "apps"], {
          cwd: root,
          allowFailure: true,
        }),
    };
    interleave(1, variants);
    const samples = interleave(runs, variants);
    const cycles = {
      spoc: (sample: Sample) =>
        (JSON.parse(sample.stdout) as { diagnostics: { code: string }[] }).diagnostics.filter(
          (d) => d.code === "SPOC002",
        ).length,
      depcruise: (sample: Sample) =>
        (
          JSON.parse(sample.stdout) as { summary: { violations: { rule: { name: string } }[] } }
        ).summary.violations.filter((v) => v.rule.name === "no-circular").length,
      madge: (sample: Sample) => (JSON.parse(sample.stdout) as unknown[]).length,
    };
    const fastestPeer = Math.min(
      ...(["depcruise", "madge"] as const).map((name) => median(samples[name].map((s) => s.wallMs))),
    );
    for (const name of ["spoc", "depcruise", "madge"] as const) {
      const wall = median(samples[name].map((s) => s.wallMs));
      const found = cycles[name](samples[name][0] as Sample);
      log(`peers ${n}: ${name} ${wall.toFixed(0)} ms, ${found} cycle report(s)`);
      rows.push({
        section: "peers",
        measure: `${name === "spoc" ? "spoc check" : name === "depcruise" ? "dependency-cruiser no-circular" : "madge --circular"} (${found} cycles), vs the fastest peer`,
        size: String(n),
        median: wall,
        baseline: fastestPeer,
        unit: "ms",
        target: name === "spoc" ? "≤ 0.5× fastest peer" : "–",
        met: name === "spoc" ? wall <= 0.5 * fastestPeer : undefined,
        runs,
      });
    }
  }
  return rows;
}
