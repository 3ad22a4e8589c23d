import { appendFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ProjectWatcher, WatchEvent } from "../../src/codegen/watch.ts";
import { watchProject } from "../../src/codegen/watch.ts";
import { copyFixture, removeCopies, waitFor } from "./_project.ts";

afterAll(removeCopies);

let watcher: ProjectWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
});

/** Starts watching a fresh copy of the clean fixture; `next(predicate)` waits for a later event. */
async function watchCopy(debounceMs?: number) {
  const root = await copyFixture("cli-clean");
  const events: WatchEvent[] = [];
  watcher = await watchProject({
    root,
    onEvent: (event) => events.push(event),
    ...(debounceMs !== undefined && { debounceMs }),
  });
  let seen = events.length;
  const registry = (): Promise<string> => readFile(join(root, "generated/registry.ts"), "utf8");
  /** The first event after the previous `next` (or the start) that satisfies `accept`. */
  const next = (what: string, accept: (event: WatchEvent) => boolean): Promise<WatchEvent> =>
    waitFor(what, () => {
      const index = events.findIndex((event, i) => i >= seen && accept(event));
      if (index < 0) return undefined;
      seen = index + 1;
      return events[index];
    });
  return { root, events, registry, next };
}

const errorsOf = (event: WatchEvent) =>
  event.type === "generated" ? event.generation.result.diagnostics.filter((d) => d.severity === "error") : [];

describe("watchProject", () => {
  it("generates once at start", async () => {
    const { events, registry } = await watchCopy();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "generated", changed: [], generation: { written: true } });
    expect(await registry()).toContain('"blog.PostService"');
  });

  it("never publishes a file caught between an editor's truncate and its write, even when they are far apart", async () => {
    const { root, events, registry, next } = await watchCopy();
    const file = join(root, "apps/users/services.ts");
    const original = await readFile(file, "utf8");
    // A save in place on a busy machine: the file is empty for longer than the quiet time.
    await writeFile(file, "");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(file, `${original}\n@service\nexport class AuditService {}\n`);
    await next("the saved file's registry", (e) => e.type === "generated" && e.generation.written);
    const text = await registry();
    expect(text).toContain('"users.UserService"');
    expect(text).toContain('"users.AuditService"');
    // No run reported or wrote the registry of the empty file.
    const components = events.map((e) =>
      e.type === "generated" ? e.generation.result.model?.modules.flatMap((m) => m.components.map((c) => c.key)) : [],
    );
    expect(components.filter((keys) => keys !== undefined && !keys.includes("users.UserService"))).toEqual([]);
  });

  it("follows a symlinked app folder: an edit in the link's target regenerates", async () => {
    const root = await copyFixture("cli-clean");
    await rename(join(root, "apps/blog"), join(root, "blog_real"));
    await symlink(join("..", "blog_real"), join(root, "apps/blog"));
    const events: WatchEvent[] = [];
    watcher = await watchProject({ root, onEvent: (event) => events.push(event) });
    expect(events[0]).toMatchObject({ type: "generated", generation: { written: true } });
    const file = join(root, "blog_real/models.ts");
    await writeFile(file, `${await readFile(file, "utf8")}\n@model\nexport class Comment {}\n`);
    await waitFor("a run that writes blog.Comment", () =>
      events.some((e) => e.type === "generated" && e.generation.written && e.changed.length > 0) ? true : undefined,
    );
    expect(await readFile(join(root, "generated/registry.ts"), "utf8")).toContain('"blog.Comment"');
  });

  it("regenerates when an app file changes", async () => {
    const { root, registry, next } = await watchCopy();
    const file = join(root, "apps/blog/models.ts");
    await writeFile(file, `${await readFile(file, "utf8")}\n@model\nexport class Comment {}\n`);
    const event = await next("a run that writes blog.Comment", (e) => e.type === "generated" && e.generation.written);
    expect(event.changed).toContain("apps/blog/models.ts");
    expect(await registry()).toContain('"blog.Comment"');
  });

  it("names the saved file, not an editor's temporary file, after an atomic save", async () => {
    const { root, registry, next } = await watchCopy();
    const file = join(root, "apps/blog/models.ts");
    const temporary = join(root, "apps/blog/sedXq81Lm");
    await writeFile(temporary, `${await readFile(file, "utf8")}\n@model\nexport class Tag {}\n`);
    await rename(temporary, file);
    const event = await next("a run that writes blog.Tag", (e) => e.type === "generated" && e.generation.written);
    expect(event.changed).toEqual(["apps/blog/models.ts"]);
    expect(await registry()).toContain('"blog.Tag"');
  });

  it("picks up a new app folder created after the start, with the settings change", async () => {
    const { root, registry, next } = await watchCopy();
    await mkdir(join(root, "apps/shop"));
    await writeFile(
      join(root, "apps/shop/models.ts"),
      'import { model } from "../../framework/components.ts";\n\n@model\nexport class Product {}\n',
    );
    await writeFile(join(root, "apps/shop/services.ts"), "export const nothing = 0;\n");
    const settings = join(root, "config/settings.ts");
    await writeFile(settings, (await readFile(settings, "utf8")).replace('"blog"]', '"blog", "shop"]'));
    await next(
      "a run that writes shop.Product",
      (e) =>
        e.type === "generated" &&
        e.generation.written &&
        e.generation.result.registry?.module.includes('"shop.Product"') === true,
    );
    expect(await registry()).toContain('"shop.Product"');

    // A file created later inside the new folder is watched too.
    await writeFile(
      join(root, "apps/shop/services.ts"),
      'import { service } from "../../framework/components.ts";\n\n@service\nexport class CartService {}\n',
    );
    await next("a run that writes shop.CartService", (e) => e.type === "generated" && e.generation.written);
    expect(await registry()).toContain('"shop.CartService"');
  });

  it("reports a broken state, keeps watching, and regenerates once it is fixed", async () => {
    const { root, registry, next } = await watchCopy();
    const file = join(root, "apps/users/services.ts");
    const original = await readFile(file, "utf8");
    const before = await registry();
    await writeFile(
      file,
      `import { PostService } from "../blog/services.ts";\n${original}\nexport const posts = () => new PostService();\n`,
    );
    const broken = await next("a run with errors", (e) => errorsOf(e).length > 0);
    expect(errorsOf(broken).map((d) => d.code)).toContain("SPOC002");
    expect(broken).toMatchObject({ generation: { written: false } });
    expect(await registry()).toBe(before);

    await writeFile(file, `${original}\n@service\nexport class AuditService {}\n`);
    await next(
      "a clean run that writes",
      (e) => e.type === "generated" && errorsOf(e).length === 0 && e.generation.written,
    );
    expect(await registry()).toContain('"users.AuditService"');
  });

  it("does not rewrite the registry when an edit does not change it", async () => {
    const { root, next } = await watchCopy();
    const registryPath = join(root, "generated/registry.ts");
    const { mtimeMs } = await stat(registryPath);
    const file = join(root, "apps/users/services.ts");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("return new User(name);", "return new User(name.trim());"),
    );
    const event = await next(
      "a run after the edit",
      (e) => e.type === "generated" && e.changed.includes("apps/users/services.ts"),
    );
    expect(event).toMatchObject({ generation: { written: false } });
    expect((await stat(registryPath)).mtimeMs).toBe(mtimeMs);
  });

  it("follows a folder that is removed and created again", async () => {
    const { root, registry, next } = await watchCopy();
    const blog = join(root, "apps/blog");
    const saved = {
      models: await readFile(join(blog, "models.ts"), "utf8"),
      services: await readFile(join(blog, "services.ts"), "utf8"),
    };
    await rm(blog, { recursive: true });
    await next("a run with the blog app missing", (e) => errorsOf(e).some((d) => d.code === "SPOC004"));
    await mkdir(blog);
    await writeFile(join(blog, "models.ts"), saved.models);
    await writeFile(join(blog, "services.ts"), saved.services);
    await next("a clean run", (e) => e.type === "generated" && errorsOf(e).length === 0);
    await writeFile(join(blog, "models.ts"), `${saved.models}\n@model\nexport class Tag {}\n`);
    await next(
      "a run that writes blog.Tag",
      (e) =>
        e.type === "generated" &&
        e.generation.written &&
        e.generation.result.registry?.module.includes('"blog.Tag"') === true,
    );
    expect(await registry()).toContain('"blog.Tag"');
  });

  it("never writes or reports a file saved in two steps half-way", async () => {
    // The run starts on the truncation; the rest of the save lands while it works or waits
    // out the quiet time, so that run is dropped and the next one sees the whole file.
    const { root, events, registry, next } = await watchCopy(300);
    const file = join(root, "apps/users/models.ts");
    const original = await readFile(file, "utf8");
    await writeFile(file, "");
    await new Promise((resolve) => setTimeout(resolve, 60));
    await writeFile(file, `${original}\n@model\nexport class Avatar {}\n`);
    const event = await next("a run that writes users.Avatar", (e) => e.type === "generated" && e.generation.written);
    expect(event.changed).toEqual(["apps/users/models.ts"]);
    expect(events).toHaveLength(2); // the first run, and this one: nothing in between
    const written = await registry();
    expect(written).toContain('"users.Avatar"');
    expect(written).toContain('"users.User"');
  });

  it("never reports the parse error of a file saved in several writes, though a clean edit is written at once", async (ctx) => {
    // No quiet time for clean results: only the errors' own quiet time holds the half-saved file back.
    const { root, events, registry, next } = await watchCopy(0);
    const file = join(root, "apps/users/models.ts");
    const original = await readFile(file, "utf8");
    // The first file that does not parse loads TypeScript for its message, which outlasts the
    // quiet time: have that done before the save under test.
    await writeFile(file, `${original}\nexport const broken = ;\n`);
    await next("the warm-up's error", (e) => errorsOf(e).length > 0);
    await writeFile(file, original);
    await next("the warm-up undone", (e) => e.type === "generated" && errorsOf(e).length === 0);
    const whole = `${original}\n@model\nexport class Avatar {\n  readonly size = 64;\n}\n`;
    const cut = whole.indexOf("readonly size");
    // The two writes must land well within the errors' quiet time; on a loaded machine the
    // pause can overrun, and such an attempt proves nothing: undo it and try again.
    for (let attempt = 1; ; attempt++) {
      const seen = events.length;
      const started = performance.now();
      writeFileSync(file, whole.slice(0, cut));
      await new Promise((resolve) => setTimeout(resolve, 20));
      appendFileSync(file, whole.slice(cut));
      const pause = performance.now() - started;
      await next("a run that writes users.Avatar", (e) => e.type === "generated" && e.generation.written);
      if (pause < 60) {
        expect(events.slice(seen).flatMap(errorsOf)).toEqual([]);
        break;
      }
      // Five overruns: this machine is too loaded to save in two quick writes; nothing to judge.
      if (attempt === 5) ctx.skip();
      writeFileSync(file, original);
      await next("the attempt undone", (e) => e.type === "generated" && e.generation.written);
    }
    expect(await registry()).toContain('"users.Avatar"');
  });

  it("resolves with the first run delivered when an edit lands while that run works", async () => {
    const root = await copyFixture("cli-clean");
    const events: WatchEvent[] = [];
    const file = join(root, "apps/blog/models.ts");
    const original = await readFile(file, "utf8");
    const started = watchProject({ root, onEvent: (event) => events.push(event), debounceMs: 200 });
    await writeFile(file, `${original}\n@model\nexport class Tag {}\n`);
    watcher = await started;
    // The start-up run read the file before or during the save: its result was dropped, and
    // the run that followed is the first delivered.
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "generated",
      changed: ["apps/blog/models.ts"],
      generation: { written: true },
    });
    expect(await readFile(join(root, "generated/registry.ts"), "utf8")).toContain('"blog.Tag"');
  });

  it("rejects, and stops watching, when the first event's handler throws", async () => {
    const root = await copyFixture("cli-clean");
    await expect(
      watchProject({
        root,
        onEvent: () => {
          throw new Error("handler broke");
        },
      }),
    ).rejects.toThrow("handler broke");
  });

  it("ignores its own output", async () => {
    const { root, events } = await watchCopy();
    await writeFile(join(root, "generated/other.ts"), "export {};\n");
    const file = join(root, "apps/blog/models.ts");
    await writeFile(file, `${await readFile(file, "utf8")}// touched\n`);
    await waitFor("a run after the app edit", () => (events.length > 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const event of events.slice(1))
      expect(event.changed.some((path) => path.startsWith("generated/"))).toBe(false);
  });
});
