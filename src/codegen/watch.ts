/**
 * Watch mode: regenerate `generated/registry.ts` whenever apps, config, schema or
 * another input of the registry changes, including folders and files created after the
 * watch started. One ScanCache is reused, so a change re-parses only what changed; the
 * registry's own folder is never watched.
 *
 * A run starts on the first event rather than after a quiet time, so the registry is written
 * as soon as the run is done; but it is written (or its diagnostics reported) only once no
 * event has come for `debounceMs` (10 ms), and a result with errors only after 100 ms of quiet.
 * Editors that save in place truncate, then write, and on a busy machine the two can be tens
 * of milliseconds apart: a changed file that is empty is taken for a save caught between its
 * truncate and its write, and waited for (up to two seconds after the last event); a file
 * caught part-written (a save in several writes) almost always fails to parse, and the longer
 * quiet time before errors lets the rest of the save land and supersede the run. An edit that
 * lands while a run works drops that run's result and runs again. So a half-written file
 * never reaches the registry, and a clean edit is written as soon as its run is done, not a
 * fixed 100 ms after it.
 */
import { type Dirent, existsSync, type FSWatcher, readdirSync, realpathSync, statSync, watch } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { generateRegistry, type Generation, hasErrors } from "./generate.ts";
import { createScanCache } from "./pipeline.ts";
import { sameElements } from "./_compare.ts";

/**
 * What one regeneration did, or how it failed. `changed` lists the paths whose events led to
 * the run; it is empty for the start-up run, unless an edit during it made it run again.
 */
export type WatchEvent =
  | { readonly type: "generated"; readonly generation: Generation; readonly changed: readonly string[] }
  | { readonly type: "failed"; readonly error: unknown; readonly changed: readonly string[] };

export interface WatchOptions {
  /** Project root. */
  readonly root: string;
  /**
   * Called after every run, the first one included. An exception it throws from the first
   * rejects `watchProject`; from a later one it is rethrown as an uncaught exception, as an
   * event listener's would be.
   */
  readonly onEvent?: (event: WatchEvent) => void;
  /**
   * Quiet time after the last file event before a run's result is written or reported, in ms.
   * A result with errors waits at least 100 ms (`ERROR_QUIET_MS`): a file caught mid-save
   * usually does not parse, and its rest is waited for rather than its error reported.
   * @default 10
   */
  readonly debounceMs?: number;
}

export interface ProjectWatcher {
  /** Stops watching and waits for a run in progress to finish. */
  close(): Promise<void>;
}

/** Folders of a project that are always watched, when they exist (or once they do). */
const sourceFolders = ["apps", "config", "framework"];
/** Never watched: the generator's own output, dependencies, build output. */
const ignoredFolders = new Set(["generated", "node_modules", "dist", "coverage"]);
/** How long after its last event an empty changed file is taken for a save in progress, in ms. */
const MID_SAVE_MS = 2000;
/** The least quiet time before a result with errors is reported, in ms (see `WatchOptions.debounceMs`). */
const ERROR_QUIET_MS = 100;

/**
 * Generates once, then watches. Resolves after the first run, with its event delivered.
 */
export async function watchProject(options: WatchOptions): Promise<ProjectWatcher> {
  const root = resolve(options.root);
  const debounceMs = options.debounceMs ?? 10;
  const cache = createScanCache();
  const emit = options.onEvent ?? (() => {});
  const tops = new Set(sourceFolders);
  /** The last run's inputs and app folders (`apps/<name>`), kept in step with it as a set. */
  const inputs = new WatchedInputs();
  let pending = new Set<string>();
  /** Changed paths that were inputs, or folders holding one, when their event came: they matter even once gone. */
  const wereInputs = new Set<string>();
  const matters = (path: string): boolean => wereInputs.has(path) || stillMatters(path, root, inputs);
  // The start counts as an event: a save landing while the first run works is waited for too.
  let lastEventAt = performance.now();
  let queued: NodeJS.Immediate | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  /** The changes of a run whose result was dropped for a newer edit. */
  let superseded: string[] = [];
  /** A run's result was dropped: the next run must come even when no change it kept still matters. */
  let rerunNeeded = false;
  /** Settled once the first run's result is delivered, or its delivery throws. */
  let firstDelivered: () => void = () => {};
  let firstFailed: (error: unknown) => void = () => {};
  let deliveredOnce = false;
  const delivered = new Promise<void>((resolve, reject) => {
    firstDelivered = resolve;
    firstFailed = reject;
  });
  const deliver = (event: WatchEvent): void => {
    try {
      emit(event);
    } catch (error) {
      if (deliveredOnce) rethrowUncaught(error);
      else firstFailed(error);
      return;
    } finally {
      deliveredOnce = true;
    }
    firstDelivered();
  };

  /**
   * Whether a run's result may be written or reported: no event that matters came since the
   * run started, `quietMs` after the last one have passed, none of the `changed` files differs
   * from its stamp taken before the run (`stamps`: a write whose event is still on its way),
   * and none is empty as a save in progress leaves it (all waited for here).
   */
  const settled = async (
    changed: readonly string[],
    stamps: readonly string[],
    quietMs = debounceMs,
  ): Promise<boolean> => {
    // The run was synchronous: let the file events that came meanwhile be delivered first.
    await new Promise((done) => setImmediate(done));
    for (;;) {
      if (closed || [...pending].some(matters)) return false;
      if (changed.some((path, i) => stampOf(join(root, path)) !== stamps[i])) return false;
      const sinceEvent = performance.now() - lastEventAt;
      const midSave = sinceEvent < MID_SAVE_MS && changed.some((path) => isEmptyFile(join(root, path)));
      const wait = midSave ? 25 : quietMs - sinceEvent;
      if (wait <= 0) return true;
      await new Promise((done) => setTimeout(done, wait));
    }
  };

  const run = async (changed: readonly string[]): Promise<void> => {
    let event: WatchEvent;
    try {
      // Telling the pipeline what changed spares it a stat of every input; only safe when
      // every change is an edit of a file it already read (not a new, removed or folder path).
      const stamps = changed.map((path) => stampOf(join(root, path)));
      const edits = changed.length > 0 && changed.every((path) => inputs.has(path) && isFile(join(root, path)));
      const generation = await generateRegistry({
        root,
        cache,
        ...(edits && { changed }),
        beforeWrite: () => settled(changed, stamps),
      });
      const model = generation.result.model;
      if (model !== undefined) {
        for (const input of inputs.update(model.inputs, model.appFolders)) {
          const top = input.split("/")[0];
          if (top !== undefined && input.includes("/") && !isIgnoredName(top) && !tops.has(top)) {
            tops.add(top);
            tree.watchTree(join(root, top));
          }
        }
      }
      // Superseded by an edit that came in meanwhile: the next run reports instead.
      const quietMs = hasErrors(generation.result) ? Math.max(debounceMs, ERROR_QUIET_MS) : debounceMs;
      if (generation.withheld === true || (!generation.written && !(await settled(changed, stamps, quietMs)))) {
        superseded = [...new Set([...superseded, ...changed])];
        rerunNeeded = true;
        return;
      }
      for (const path of changed) wereInputs.delete(path);
      event = { type: "generated", generation, changed };
    } catch (error) {
      event = { type: "failed", error, changed };
    }
    deliver(event);
  };

  const flush = (): void => {
    queued = undefined;
    if (closed || (pending.size === 0 && !rerunNeeded)) return;
    if (running !== undefined) return; // picked up when the current run ends
    const changed = [...new Set([...superseded, ...pending])].filter(matters).sort();
    const again = rerunNeeded;
    pending = new Set();
    superseded = [];
    rerunNeeded = false;
    if (changed.length === 0 && !again) return; // only editors' temporary files came and went
    launch(changed);
  };
  const launch = (changed: readonly string[]): void => {
    running = run(changed).finally(() => {
      running = undefined;
      if ((pending.size > 0 || rerunNeeded) && !closed) schedule();
    });
  };
  // Events of one save arrive together: run once they are all in (the next turn of the loop).
  const schedule = (): void => {
    queued ??= setImmediate(flush);
  };

  const tree = new TreeWatcher(root, (path) => {
    if (closed) return;
    const top = path.split("/")[0] ?? path;
    const atRoot = !path.includes("/");
    if (atRoot && !tops.has(top) && !inputs.has(path) && !path.startsWith(".env")) return;
    if (atRoot && tops.has(top)) tree.watchTree(join(root, top));
    pending.add(path);
    if (inputs.holds(path)) wereInputs.add(path);
    lastEventAt = performance.now();
    schedule();
  });
  tree.watchDirectory(root, false);
  for (const top of tops) tree.watchTree(join(root, top));

  launch([]);
  // A first run dropped for an edit during it is followed by one that delivers.
  try {
    await delivered;
  } catch (error) {
    closed = true;
    tree.close();
    await running;
    throw error;
  }
  return {
    async close(): Promise<void> {
      closed = true;
      if (queued !== undefined) clearImmediate(queued);
      tree.close();
      await running;
    },
  };
}

/**
 * The paths a change of which matters: the last run's inputs, and its app folders (one removed
 * after the run read it must still trigger a run). Most runs have the same ones as the run
 * before (the pipeline then hands over the same array of inputs); when they differ, the sets
 * are updated by the difference of the sorted lists rather than rebuilt (5,000 paths at 1000 apps).
 */
class WatchedInputs {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  private inputs: readonly string[] = [];
  private appFolders: readonly string[] = [];

  /** Takes a run's inputs and app folders (each sorted); returns the inputs that are new. */
  update(inputs: readonly string[], appFolders: readonly string[]): readonly string[] {
    const added: string[] = [];
    if (inputs !== this.inputs) {
      applyDifference(this.files, this.inputs, inputs, added);
      this.inputs = inputs;
    }
    if (!sameElements(appFolders, this.appFolders)) {
      const paths = (folders: readonly string[]): string[] => folders.map((folder) => `apps/${folder}`);
      applyDifference(this.folders, paths(this.appFolders), paths(appFolders), []);
      this.appFolders = appFolders;
    }
    return added;
  }

  /** Whether `path` is an input or an app folder. */
  has(path: string): boolean {
    return this.files.has(path) || this.folders.has(path);
  }

  /** Whether `path` is an input or an app folder, or a folder holding one. */
  holds(path: string): boolean {
    if (this.has(path)) return true;
    const folder = `${path}/`;
    for (const paths of [this.files, this.folders])
      for (const input of paths) if (input.startsWith(folder)) return true;
    return false;
  }
}

/** Turns `set`, holding sorted `before`, into sorted `after`'s paths; `added` gets the new ones. */
function applyDifference(set: Set<string>, before: readonly string[], after: readonly string[], added: string[]): void {
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const old = before[i];
    const now = after[j];
    if (old !== undefined && (now === undefined || old < now)) {
      set.delete(old);
      i++;
    } else if (now !== undefined && (old === undefined || now < old)) {
      set.add(now);
      added.push(now);
      j++;
    } else {
      i++;
      j++;
    }
  }
}

function rethrowUncaught(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * Whether a changed path can affect the registry: it exists, or it was an input or a folder
 * holding one. An editor's temporary file that is already gone is neither.
 */
function stillMatters(path: string, root: string, inputs: WatchedInputs): boolean {
  return existsSync(join(root, path)) || inputs.holds(path);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A file's size and mtime, or "" when it is not there. */
function stampOf(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? "" : `${stat.size}:${stat.mtimeMs}`;
}

function isEmptyFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.size === 0;
}

function isIgnoredName(name: string): boolean {
  return ignoredFolders.has(name) || name.startsWith(".") || name.endsWith("~") || /\.sw[px]$/.test(name);
}

/**
 * Non-recursive `fs.watch` on every folder of a tree: a folder watch reports its
 * children's edits, creations and renames (editors' atomic saves included), and new
 * subfolders get their own watch as they appear.
 */
class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  /** The real paths of the folders watched recursively. */
  private readonly realFolders = new Set<string>();
  private readonly root: string;
  private readonly onChange: (path: string) => void;

  constructor(root: string, onChange: (path: string) => void) {
    this.root = root;
    this.onChange = onChange;
  }

  /**
   * Watches `dir` and, unless `recursive` is false, every folder below it. Symbolic links to
   * folders are followed (an app folder may be one), each real folder once, so a link that
   * leads back up the tree is not followed round.
   */
  watchDirectory(dir: string, recursive = true): void {
    if (this.watchers.has(dir)) return;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return; // not there (yet), or a link that loops: the scan reports it
    }
    if (recursive && this.realFolders.has(real)) return;
    if (recursive) this.realFolders.add(real);
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => this.onEvent(dir, recursive, name));
    } catch {
      return; // not there (yet): the parent's watch reports its creation
    }
    watcher.on("error", () => this.unwatch(dir));
    this.watchers.set(dir, watcher);
    if (!recursive) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      if (entry.isDirectory() || (entry.isSymbolicLink() && isFolder(join(dir, entry.name))))
        this.watchDirectory(join(dir, entry.name));
    }
  }

  watchTree(dir: string): void {
    this.watchDirectory(dir, true);
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.realFolders.clear();
  }

  private onEvent(dir: string, recursive: boolean, name: string | Buffer | null): void {
    if (name === null) {
      this.onChange(this.relative(dir));
      return;
    }
    const base = String(name);
    if (isIgnoredName(base) && !base.startsWith(".env")) return;
    const path = join(dir, base);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      this.unwatch(path); // removed: a folder of that name made later gets a fresh watch
    }
    if (recursive && isDirectory) this.watchDirectory(path);
    this.onChange(this.relative(path));
  }

  private unwatch(dir: string): void {
    for (const [watched, watcher] of this.watchers) {
      if (watched === dir || watched.startsWith(dir + sep)) {
        watcher.close();
        this.watchers.delete(watched);
        this.realFolders.clear(); // rebuilt as folders are watched again
      }
    }
  }

  private relative(path: string): string {
    return relative(this.root, path).split(sep).join("/");
  }
}
