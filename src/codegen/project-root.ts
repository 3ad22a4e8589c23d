/**
 * Where the CLI's project is when no `--root` is given: the nearest folder, from the
 * current one up, that has `config/spoc.toml` or `config/schema.ts`.
 */
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The files that mark a folder as a spoc project's root. */
const PROJECT_MARKERS = ["config/spoc.toml", "config/schema.ts"] as const;

/** No folder from the start up to the file system's root is a spoc project. */
export class ProjectNotFoundError extends Error {
  /** Every folder looked in, nearest first. */
  readonly searched: readonly string[];

  constructor(searched: readonly string[]) {
    const list = searched.map((dir) => `  ${dir}\n`).join("");
    super(
      `no spoc project found: none of these folders has ${PROJECT_MARKERS.join(" or ")}:\n${list}` +
        "run spoc inside a project, pass --root <dir>, or start one with `npx spoc init`",
    );
    this.name = "ProjectNotFoundError";
    this.searched = searched;
  }
}

/**
 * The nearest folder at or above `from` that holds one of {@link PROJECT_MARKERS}.
 * @throws ProjectNotFoundError naming the folders searched.
 */
export function findProjectRoot(from: string): string {
  const searched: string[] = [];
  let dir = resolve(from);
  for (;;) {
    searched.push(dir);
    if (PROJECT_MARKERS.some((marker) => isFile(join(dir, marker)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new ProjectNotFoundError(searched);
    dir = parent;
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
