/**
 * vitest's global setup for the files that run in processes of their own: builds spoc's
 * package once (./_built-package.ts) before they start, so that no two build it at once.
 */
import { builtPackage } from "./_built-package.ts";

export default async function setup(): Promise<void> {
  await builtPackage();
}
