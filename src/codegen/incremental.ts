/**
 * What a watch session remembers between runs of the generator, besides the per-file cache
 * (cache.ts): each stage's previous result, the last render of the registry's files, and what
 * was last written. The stages stay functions of plain data; each reads and replaces its own
 * typed slot of `SessionMemo`, and rendering is memoised here, around the pure renderer.
 *
 * A one-module edit at 1000 apps changes a few of the registry's thousands of lines: the new
 * text is the previous one with the changed lines spliced in (slices and concatenations copy
 * nothing), its UTF-8 bytes likewise, and a file that still has the size and mtime we left is
 * neither read back nor compared as text.
 */
import { statSync } from "node:fs";
import { sameElements, sameNodes } from "./_compare.ts";
import type { ChecksMemo } from "./check/checks.ts";
import type { AppModule, ProjectModel } from "./model.ts";
import type { PipelineMemo } from "./pipeline.ts";
import {
  REGISTRY_DATA_FILE,
  REGISTRY_FILE,
  registryParts,
  renderChunk,
  renderNodes,
  type ModuleChunk,
  type ModuleNodes,
  type RegistryOutput,
  type RenderPieces,
} from "./render/registry.ts";
import type { LocateMemo } from "./scan/locate.ts";
import type { ScanMemo } from "./scan/scan.ts";
import { readIfExists, type Replacement } from "./write/write-if-changed.ts";

/** One render of a file: `text` is `parts.join("\n")`. */
export interface Rendered {
  readonly parts: readonly string[];
  readonly text: string;
}

/** A render, and when it was spliced from the previous one, which of its parts were kept. */
export interface Splice {
  readonly rendered: Rendered;
  /** `rendered` kept the first `prefix` and the last `suffix` parts of `from`. */
  readonly kept?: { readonly from: Rendered; readonly prefix: number; readonly suffix: number };
}

/** What the last generation of a session wrote to one file, so an unchanged file is not read back. */
interface WrittenFile {
  readonly content: string;
  readonly mtimeMs: number;
  readonly size: number;
  /** `content` as UTF-8. */
  readonly bytes: Buffer;
  /** The render that produced `content`, when known. */
  readonly rendered: Rendered | undefined;
  /** The UTF-8 length of each of `rendered`'s parts, when known. */
  readonly byteLengths: readonly number[] | undefined;
}

/** Every memo of a watch session. One per `ScanCache`; the stages read and replace their own slot. */
export class SessionMemo {
  /** scan.ts: where each app module's file is. */
  locate: LocateMemo | undefined;
  /** scan.ts: each module's scan result, with the file facts it came from. */
  scan: ScanMemo | undefined;
  /** check/checks.ts: each module's and each app's diagnostics. */
  readonly checks: ChecksMemo = {};
  /** pipeline.ts: the previous result, and the inputs it came from. */
  pipeline: PipelineMemo | undefined;

  /** Rendered pieces per module object; the scan keeps an unchanged module's object. */
  private readonly chunks = new WeakMap<AppModule, ModuleChunk>();
  private nodes:
    | { readonly loadOrder: readonly string[]; readonly nodes: ModuleNodes; from: readonly AppModule[] }
    | undefined;
  /** The last render of each registry file, by path relative to the root. */
  private readonly renders = new Map<string, Splice>();
  /** By absolute path. */
  private readonly written = new Map<string, WrittenFile>();

  private readonly pieces: RenderPieces = {
    chunk: (module) => {
      let chunk = this.chunks.get(module);
      if (chunk === undefined) this.chunks.set(module, (chunk = renderChunk(module)));
      return chunk;
    },
    // Most reruns keep the load order's array (no import changed) and the same module nodes.
    nodes: (modules, loadOrder) => {
      const before = this.nodes;
      if (before === undefined || before.loadOrder !== loadOrder || !sameNodes(before.from, modules)) {
        const nodes = renderNodes(modules, loadOrder);
        this.nodes = { loadOrder, nodes, from: modules };
        return nodes;
      }
      if (sameElements(before.from, modules)) return before.nodes;
      // The same nodes, some with new contents: the orders hold the previous objects.
      const current = new Map(modules.map((module) => [module.name, module]));
      const swap = (list: readonly AppModule[]): AppModule[] =>
        list.map((module) => current.get(module.name) ?? module);
      const nodes = { ...before.nodes, byName: swap(before.nodes.byName), byApp: swap(before.nodes.byApp) };
      this.nodes = { loadOrder, nodes, from: modules };
      return nodes;
    },
  };

  /** `renderRegistry(model, loadOrder)`, spliced into the previous render. */
  render(model: ProjectModel, loadOrder: readonly string[]): RegistryOutput {
    const parts = registryParts(model, loadOrder, this.pieces);
    const module = splice(this.renders.get(REGISTRY_FILE)?.rendered, parts.module);
    const data = splice(this.renders.get(REGISTRY_DATA_FILE)?.rendered, parts.data);
    this.renders.set(REGISTRY_FILE, module);
    this.renders.set(REGISTRY_DATA_FILE, data);
    return { module: module.rendered.text, data: data.rendered.text };
  }

  /**
   * What replacing `path` (the registry file `file`, under `root`) with `text` takes, or
   * `undefined` when the file holds it already. The caller writes the changes of all the
   * registry's files together, then calls each one's `remember`.
   */
  change(root: string, path: string, file: string, text: string): RegistryChange | undefined {
    const previous = this.written.get(path);
    const known = previous !== undefined && unchangedSince(path, previous) ? previous : undefined;
    const render = this.renders.get(file);
    const current = render !== undefined && render.rendered.text === text ? render : undefined; // the same string: no comparison
    if (known !== undefined && current !== undefined && known.rendered === current.rendered) return undefined;
    const spliced =
      known !== undefined && current?.kept !== undefined && current.kept.from === known.rendered
        ? splicedBytes(known, current.rendered, current.kept)
        : undefined;
    const remember = (bytes: Buffer, byteLengths: readonly number[] | undefined): void => {
      const { mtimeMs, size } = statSync(path);
      const rendered = current?.rendered;
      this.written.set(path, { content: text, mtimeMs, size, bytes, rendered, byteLengths });
    };
    if (known !== undefined && (spliced !== undefined ? spliced.bytes.equals(known.bytes) : known.content === text)) {
      this.written.set(path, {
        ...known,
        content: text,
        rendered: current?.rendered,
        byteLengths: spliced?.byteLengths,
      });
      return undefined;
    }
    const onDisk = known !== undefined ? known.content : readIfExists(path, root);
    if (onDisk === text) {
      remember(Buffer.from(text, "utf8"), undefined);
      return undefined;
    }
    const bytes = spliced?.bytes ?? Buffer.from(text, "utf8");
    return {
      path,
      content: text,
      encoded: bytes,
      current: onDisk,
      remember: () => remember(bytes, spliced?.byteLengths),
    };
  }
}

/** A file of the registry to replace (see `replaceTogether`), and how to record it once written. */
export interface RegistryChange extends Replacement {
  readonly remember: () => void;
}

function unchangedSince(path: string, written: WrittenFile): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat !== undefined && stat.mtimeMs === written.mtimeMs && stat.size === written.size;
}

/**
 * `parts.join("\n")`, made of slices of the previous text where the parts are the same (a
 * one-module edit changes a few of thousands of parts).
 */
export function splice(previous: Rendered | undefined, parts: readonly string[]): Splice {
  if (previous === undefined) return { rendered: { parts, text: parts.join("\n") } };
  const before = previous.parts;
  let prefix = 0;
  const most = Math.min(before.length, parts.length);
  while (prefix < most && before[prefix] === parts[prefix]) prefix++;
  let suffix = 0; // parts kept at the end
  while (suffix < most - prefix && before[before.length - 1 - suffix] === parts[parts.length - 1 - suffix]) suffix++;
  if (prefix === parts.length && parts.length === before.length) return { rendered: previous };
  const middle = parts.slice(prefix, parts.length - suffix);
  const [start, end] = replacedRange(before, prefix, suffix, (part) => part.length);
  const old = previous.text;
  let text: string;
  if (middle.length > 0) {
    // (`start` is one past the end when every previous part is kept: the separator is added.)
    const head = prefix === before.length && prefix > 0 ? `${old}\n` : old.slice(0, start);
    text = head + middle.join("\n") + (suffix > 0 ? `\n${old.slice(end)}` : "");
  } else if (suffix === 0) text = old.slice(0, Math.max(0, start - 1));
  else text = old.slice(0, start) + old.slice(end);
  return { rendered: { parts, text }, kept: { from: previous, prefix, suffix } };
}

/**
 * Where the replaced parts of a joined text start and end (`end` is where the kept suffix
 * starts), counting each part as `length(part)` plus one for its separator.
 */
function replacedRange(
  parts: readonly string[],
  prefix: number,
  suffix: number,
  length: (part: string, index: number) => number,
): [start: number, end: number] {
  let start = 0;
  for (let i = 0; i < prefix; i++) start += length(parts[i] as string, i) + 1;
  let end = start;
  for (let i = prefix; i < parts.length - suffix; i++) end += length(parts[i] as string, i) + 1;
  return [start, end];
}

/**
 * The UTF-8 bytes of `next`, spliced from those of `written` (whose `rendered` is `kept.from`):
 * the kept parts' bytes are copied, only the changed parts are encoded. `undefined` when the
 * bytes do not match the render they claim to be.
 */
export function splicedBytes(
  written: {
    readonly bytes: Buffer;
    readonly rendered: Rendered | undefined;
    readonly byteLengths?: readonly number[] | undefined;
  },
  next: Rendered,
  kept: { readonly from: Rendered; readonly prefix: number; readonly suffix: number },
): { readonly bytes: Buffer; readonly byteLengths: readonly number[] } | undefined {
  const old = kept.from;
  if (written.rendered !== old) return undefined;
  const oldLengths = written.byteLengths ?? old.parts.map((part) => Buffer.byteLength(part, "utf8"));
  let total = 0;
  for (const length of oldLengths) total += length + 1;
  if (total - 1 !== written.bytes.length) return undefined;
  const { prefix, suffix } = kept;
  const middle = next.parts.slice(prefix, next.parts.length - suffix);
  const byteLengths = [
    ...oldLengths.slice(0, prefix),
    ...middle.map((part) => Buffer.byteLength(part, "utf8")),
    ...oldLengths.slice(old.parts.length - suffix),
  ];
  const [start, end] = replacedRange(old.parts, prefix, suffix, (_, i) => oldLengths[i] as number);
  const previous = written.bytes;
  const chunks: Buffer[] = [];
  if (middle.length > 0) {
    chunks.push(previous.subarray(0, start));
    if (prefix === old.parts.length && prefix > 0) chunks.push(Buffer.from("\n"));
    chunks.push(Buffer.from(middle.join("\n"), "utf8"));
    if (suffix > 0) chunks.push(Buffer.from("\n"), previous.subarray(end));
  } else if (suffix === 0) chunks.push(previous.subarray(0, Math.max(0, start - 1)));
  else chunks.push(previous.subarray(0, start), previous.subarray(end));
  return { bytes: Buffer.concat(chunks), byteLengths };
}
