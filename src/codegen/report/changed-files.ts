/**
 * `spoc check --changed-since REF`: the files changed since a git ref (committed, staged,
 * unstaged and untracked), relative to the project root, and the diagnostics that involve them.
 */
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { relative, sep } from "node:path";
import type { Diagnostic } from "../model.ts";

/** Git could not answer (not a repository, unknown ref, git missing): a user's problem, exit 2. */
export class ChangedFilesError extends Error {}

/** Files changed between `ref` and the working tree, relative to `root` with `/` separators. */
export function changedFiles(root: string, ref: string): Set<string> {
  const git = (args: string[]): string => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
      const reason = stderr.split("\n")[0] || (error as Error).message;
      const fix =
        args[0] === "diff"
          ? "name a commit, branch or tag this clone has (a shallow CI clone may need `git fetch` of it first)"
          : "run spoc check --changed-since inside a git repository, with git on the PATH";
      throw new ChangedFilesError(`--changed-since ${ref}: git ${args[0]} failed: ${reason}; ${fix}`);
    }
  };
  const top = git(["rev-parse", "--show-toplevel"]).trim();
  const listed = [
    ...git(["diff", "--name-only", "--no-renames", ref, "--"]).split("\n"),
    ...git(["ls-files", "--others", "--exclude-standard", "--full-name"]).split("\n"),
  ];
  const files = new Set<string>();
  // git names the top folder by its real path: so must the root (given through a symlink, say).
  const realRoot = realpathSync(root);
  for (const file of listed) {
    if (file === "") continue;
    const fromRoot = relative(realRoot, `${top}/${file}`).split(sep).join("/");
    // node_modules holds no project source, and spoc's own disk cache lives there.
    if (!fromRoot.startsWith("../") && !/(^|\/)node_modules\//.test(fromRoot)) files.add(fromRoot);
  }
  return files;
}

/**
 * The diagnostics located in, or with an edge in, one of `changed`. A change under `config/`
 * (schema, settings, spoc.toml) can move any diagnostic, so then every diagnostic is kept.
 */
export function diagnosticsInvolving(
  diagnostics: readonly Diagnostic[],
  changed: ReadonlySet<string>,
): readonly Diagnostic[] {
  if ([...changed].some((file) => file.startsWith("config/"))) return diagnostics;
  return diagnostics.filter(
    (diagnostic) =>
      changed.has(diagnostic.file) || (diagnostic.related ?? []).some((location) => changed.has(location.file)),
  );
}
