/**
 * Watch and dev modes: `vite dev` (Vite 8, the app loaded through its SSR module graph) and
 * webpack's and rspack's watch. Editing an app file regenerates the registry from the
 * session's cache, parsing that file alone, and the tool delivers the change its usual way
 * (Vite invalidates the registry's modules; webpack and rspack rebuild). A wiring error goes
 * to Vite's error overlay and to webpack's errors list, and the registry's own writes never
 * start another generation.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { RegistrySession } from "../../src/codegen/bundler/session.ts";
import spocRspack from "../../src/codegen/bundler/rspack.ts";
import spocVite from "../../src/codegen/bundler/vite.ts";
import spocWebpack from "../../src/codegen/bundler/webpack.ts";
import { waitFor } from "../cli/_project.ts";
import { copyProject, removeProjects, toolsInstalled, toolsRoot } from "./_project.ts";

afterAll(removeProjects);

const requireTool = createRequire(join(toolsRoot, "package.json"));
const importTool = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(requireTool.resolve(name)).href)) as T;

const withTag = `import { model } from "../../framework/components.ts";

@model
export class Post {
  constructor(readonly title: string) {}
}

@model
export class Tag {}
`;

const withCycle = `import { service } from "../../framework/components.ts";
import { PostService } from "../blog/services.ts";
import { User } from "./models.ts";

@service
export class UserService {
  posts(): PostService {
    return new PostService();
  }
  find(name: string): User {
    return new User(name);
  }
}
`;

interface ViteDevServer {
  ssrLoadModule(url: string): Promise<Record<string, unknown>>;
  readonly ws: { send(payload: unknown): void };
  close(): Promise<void>;
}
interface ViteModule {
  createServer(config: object): Promise<ViteDevServer>;
}

describe.skipIf(!toolsInstalled)("vite dev", () => {
  it("regenerates on an edit, parsing only the edited file, and the app sees the new registry", async () => {
    const root = await copyProject();
    const { createServer } = await importTool<ViteModule>("vite");
    const plugin = spocVite() as { api?: { session?: RegistrySession } };
    const server = await createServer({
      root,
      configFile: false,
      logLevel: "silent",
      plugins: [plugin],
      server: { middlewareMode: true, ws: false },
      appType: "custom",
    });
    const overlay: unknown[] = [];
    const send = server.ws.send.bind(server.ws);
    server.ws.send = (payload: unknown) => {
      overlay.push(payload);
      send(payload);
    };
    try {
      const keys = async (): Promise<string[]> => {
        const { registry } = (await server.ssrLoadModule("/generated/registry.ts")) as {
          registry: { components: { key: string }[] };
        };
        return registry.components.map((component) => component.key).sort();
      };
      expect(await keys()).toEqual([
        "blog.Indexer",
        "blog.Post",
        "blog.PostService",
        "users.Greeter",
        "users.User",
        "users.UserService",
      ]);
      const session = await waitFor("the first generation", () =>
        plugin.api?.session?.last ? plugin.api.session : undefined,
      );
      const parsesBefore = session.parses;

      await writeFile(join(root, "apps/blog/models.ts"), withTag);
      await waitFor(
        "the app to see blog.Tag",
        async () => ((await keys()).includes("blog.Tag") ? true : undefined),
        20_000,
      );
      expect(session.parses - parsesBefore).toBe(1);

      await writeFile(join(root, "apps/users/services.ts"), withCycle);
      const error = await waitFor(
        "the error overlay",
        () => overlay.find((payload) => (payload as { type?: string }).type === "error"),
        30_000,
      );
      expect(error).toMatchObject({
        err: {
          plugin: "spoc",
          message: expect.stringMatching(/^SPOC002: /),
          loc: { file: join(root, "apps/blog/services.ts"), line: 2, column: 28 },
        },
      });
    } finally {
      await server.close();
    }
  });
});

interface BuildError {
  readonly message: string;
  readonly file?: string;
  readonly loc?: string;
}
interface Stats {
  hasErrors(): boolean;
  toJson(options: object): { errors?: BuildError[] };
}
interface Watching {
  close(callback: () => void): void;
}
type Compile = (config: object) => {
  watch(options: object, handler: (error: Error | null, stats?: Stats) => void): Watching;
};

/** The fixture's webpack.config.mjs / rspack.config.mjs, with the plugin from the sources. */
async function loadConfig(root: string, tool: "webpack" | "rspack"): Promise<Record<string, unknown>> {
  const config = ((await import(pathToFileURL(join(root, `${tool}.config.mjs`)).href)) as { default: object }).default;
  const plugin = tool === "webpack" ? spocWebpack() : spocRspack();
  return {
    ...config,
    context: root,
    output: { ...(config as { output: object }).output, path: join(root, "dist") },
    plugins: [plugin],
  };
}

describe.skipIf(!toolsInstalled).each(["webpack", "rspack"] as const)("%s watch", (tool) => {
  it("rebuilds with the regenerated registry on an edit, and reports a wiring error in the errors list", async () => {
    const root = await copyProject();
    const loaded = await importTool<{ default: Compile & { rspack?: Compile } }>(
      tool === "rspack" ? "@rspack/core" : "webpack",
    );
    const compile = loaded.default.rspack ?? loaded.default;
    /** What each build reported, read in the callback (rspack's stats follow the compiler on). */
    const builds: { hasErrors: boolean; errors: BuildError[] }[] = [];
    const watching = compile(await loadConfig(root, tool)).watch({ aggregateTimeout: 50 }, (error, stats) => {
      if (error) throw error;
      if (stats)
        builds.push({ hasErrors: stats.hasErrors(), errors: stats.toJson({ all: false, errors: true }).errors ?? [] });
    });
    const bundled = async (): Promise<string> => {
      const files = await readdir(join(root, "dist")).catch(() => []);
      // webpack may be replacing them: a file gone meanwhile reads as empty
      const texts = await Promise.all(files.map((file) => readFile(join(root, "dist", file), "utf8").catch(() => "")));
      return texts.join("\n");
    };
    try {
      await waitFor("the first build", () => (builds.length > 0 ? true : undefined), 30_000);
      expect(builds[0]?.hasErrors).toBe(false);

      await writeFile(join(root, "apps/blog/models.ts"), withTag);
      await waitFor(
        "a bundle with Tag",
        async () => ((await bundled()).includes("class Tag") ? true : undefined),
        30_000,
      );
      const registry = await readFile(join(root, "generated/registry.data.js"), "utf8");
      expect(registry).toContain('component("model", "blog.models", "Tag"');

      const before = builds.length;
      await writeFile(join(root, "apps/users/services.ts"), withCycle);
      const failed = await waitFor(
        "a build failed by SPOC002",
        () => builds.slice(before).find((build) => build.errors.some((error) => error.message.includes("SPOC002"))),
        30_000,
      );
      // rspack prefixes "  × " and, where colours are on (CI=true turns them on), wraps it in ANSI codes.
      const errors = failed.errors.map((error) => ({ ...error, message: stripVTControlCharacters(error.message) }));
      expect(errors).toEqual([
        expect.objectContaining({
          file: "apps/blog/services.ts",
          loc: "2:28",
          message: expect.stringMatching(/^(\s*× )?SPOC002: /),
        }),
      ]);
    } finally {
      await new Promise<void>((resolve) => watching.close(resolve));
    }
  });
});
