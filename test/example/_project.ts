/**
 * A fresh copy of the example project for tests that run it as a user does (`npm start`,
 * `spoc worker`), and the clean environment they run it in.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A clean environment: nothing of the developer's configuration leaks into the runs.
 * `extra` (DB_ENGINE, EMAIL_HOST…) is added after.
 */
export function demoEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(SPOC_|DB_|DATABASE_URL$|EMAIL_|ENABLE_|DEMO_|DEBUG$|VITEST|npm_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

/**
 * A fresh clone of the working tree in a temporary folder: the files git would commit
 * (tracked or new), none of what it ignores (dist/, out/, var/, config/.env, node_modules,
 * which is linked back). The caller removes it.
 */
export async function copyProject(prefix: string): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), prefix));
  const files = await new Promise<string[]>((resolve, reject) => {
    execFile(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      { cwd: repoRoot, maxBuffer: 64 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(stdout.split("\0").filter((file) => file !== ""))),
    );
  });
  for (const file of files) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the working tree
    await mkdir(dirname(join(project, file)), { recursive: true });
    await copyFile(join(repoRoot, file), join(project, file));
  }
  await symlink(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");
  return project;
}

/** `npm run build:example` in `project`, as the README builds it; throws with its output when it fails. */
export async function buildExample(project: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(
      "npm",
      ["run", "build:example", "--silent"],
      { cwd: project, env: demoEnv(), timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        error === null ? resolve() : reject(new Error(`npm run build:example failed:\n${stdout}${stderr}`)),
    );
  });
}
