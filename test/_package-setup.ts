/**
 * vitest's global setup for the files that run in processes of their own: starts building
 * spoc's package (./_built-package.ts), again if an earlier run failed to, and returns once
 * this process holds the build, so the files start meanwhile; those that need the package
 * wait for it in `builtPackage()`.
 */
import { startBuild } from "./_built-package.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const { built } = await startBuild({ retry: true });
  // A failed build fails the tests that need it, with its error; not the others.
  built.catch(() => {});
  return async () => {
    await built.catch(() => {});
  };
}
