import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, ErrorCode, SpocError } from "../errors.ts";
import type { ProjectConfig } from "./project.ts";
import type { Settings } from "./settings.ts";

/** A parsed plugin reference `"path/from/root[.ts]:exportName"`. */
export interface PluginRef {
  /** The reference as written. */
  readonly ref: string;
  /** Relative to the project root, `/` separators, extension optional. */
  readonly path: string;
  readonly exportName: string;
}

/** Loads the value a reference (`"path:exportName"`, as written) points at. */
export type PluginLoader = (ref: string) => Promise<unknown>;

const REF = /^([^:\s]+):([A-Za-z_$][\w$]*)$/;
const FORMAT = '"path/from/root[.ts]:exportName", e.g. "framework/plugins:requestTiming"';

/**
 * Plugin references by group: `[spoc.plugins]` first, then settings' `plugins`; groups in
 * that order, each reference once.
 */
export function pluginRefs(config: ProjectConfig, settings: Settings): Record<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const source of [config.plugins, settings.plugins ?? {}]) {
    for (const [group, refs] of Object.entries(source)) {
      const set = groups.get(group) ?? new Set<string>();
      for (const ref of refs) set.add(ref);
      groups.set(group, set);
    }
  }
  return Object.fromEntries([...groups].map(([group, refs]) => [group, [...refs]]));
}

/** @throws ConfigError `UnresolvedPlugin` when `ref` is not `"path:exportName"` with a relative path. */
export function parsePluginRef(ref: string): PluginRef {
  const match = REF.exec(ref);
  const path = match?.[1];
  const exportName = match?.[2];
  if (path === undefined || exportName === undefined) {
    throw new ConfigError(ErrorCode.UnresolvedPlugin, `invalid plugin reference "${ref}": expected ${FORMAT}`, {
      hint: "write the file path from the project root, a colon, then the export name",
    });
  }
  if (path.startsWith("/") || path.startsWith("\\") || path.split(/[\\/]/).includes("..")) {
    throw new ConfigError(ErrorCode.UnresolvedPlugin, `plugin reference "${ref}" must name a path inside the project`, {
      hint: `expected ${FORMAT}`,
    });
  }
  return { ref, path, exportName };
}

/**
 * Loads every reference, group by group, in order.
 * @throws ConfigError `UnresolvedPlugin` naming the reference and its group.
 */
export async function resolvePlugins(
  refs: Readonly<Record<string, readonly string[]>>,
  load: PluginLoader,
): Promise<Record<string, unknown[]>> {
  const resolved: Record<string, unknown[]> = {};
  for (const [group, list] of Object.entries(refs)) {
    const values: unknown[] = [];
    for (const ref of list) {
      const parsed = parsePluginRef(ref);
      let value: unknown;
      try {
        value = await load(ref);
      } catch (error) {
        if (error instanceof SpocError) throw error;
        throw new ConfigError(
          ErrorCode.UnresolvedPlugin,
          `plugin "${ref}" (group "${group}") failed to load: ${(error as Error).message}`,
          {
            hint: "fix the plugin module or the reference",
            cause: error,
          },
        );
      }
      if (value === undefined) {
        throw new ConfigError(ErrorCode.UnresolvedPlugin, `plugin "${ref}" (group "${group}") resolved to nothing`, {
          hint: `check that ${parsed.path} exports "${parsed.exportName}"`,
        });
      }
      values.push(value);
    }
    resolved[group] = values;
  }
  return resolved;
}

/**
 * A loader importing `<baseDir>/<path>` (trying `<path>.ts`, `<path>/index.ts`, `<path>.js`
 * when the path has no extension) and returning the named export.
 */
export function importPluginFromDisk(baseDir: string): PluginLoader {
  return async (written) => {
    const ref = parsePluginRef(written);
    const candidates = /\.[cm]?[jt]s$/.test(ref.path)
      ? [ref.path]
      : [`${ref.path}.ts`, `${ref.path}/index.ts`, `${ref.path}.js`];
    const file = candidates.find((candidate) => isFile(join(baseDir, candidate)));
    if (file === undefined) {
      throw new ConfigError(
        ErrorCode.UnresolvedPlugin,
        `plugin "${ref.ref}" not found: none of ${candidates.join(", ")} exists`,
        {
          hint: `create the file or fix the reference (${FORMAT})`,
        },
      );
    }
    let module: Record<string, unknown>;
    try {
      module = (await import(
        /* webpackIgnore: true */ /* @vite-ignore */ pathToFileURL(join(baseDir, file)).href
      )) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(
        ErrorCode.UnresolvedPlugin,
        `plugin "${ref.ref}": importing ${file} failed: ${(error as Error).message}`,
        {
          location: { file },
          hint: "fix the error in the plugin module",
          cause: error,
        },
      );
    }
    if (!Object.hasOwn(module, ref.exportName) || module[ref.exportName] === undefined) {
      const names = Object.keys(module).sort();
      throw new ConfigError(
        ErrorCode.UnresolvedPlugin,
        `plugin "${ref.ref}": ${file} has no export "${ref.exportName}" (it exports: ${names.join(", ") || "nothing"})`,
        {
          location: { file },
          hint: `export "${ref.exportName}" from ${file} or fix the reference`,
        },
      );
    }
    return module[ref.exportName];
  };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
