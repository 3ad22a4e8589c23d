/**
 * What a watch session remembers between runs of the generator, besides the per-file cache
 * (cache.ts): each stage's previous result, the last render of the registry's files, and what
 * was last written. The stages stay functions of plain data; each reads and replaces its own
 * typed slot of `SessionMemo`, and rendering is memoised here, around the pure renderer.
 *
 * A one-module edit at 1000 apps changes a few of the registry's thousands of lines: the new
 * text is made of the previous render's blocks of lines, only those holding a changed line
 * joined again (concatenations copy nothing), its UTF-8 bytes likewise, and a file that still
 * has the size and mtime we left is neither read back nor compared as text.
 */
import { createHash, type Hash } from "node:crypto";
import { statSync } from "node:fs";
import { sameElements, sameNodes } from "./_compare.ts";
import type { ChecksMemo } from "./check/checks.ts";
import type { AppModule, ProjectModel } from "./model.ts";
import type { DeclarationsMemo, PipelineMemo } from "./pipeline.ts";
import {
  REGISTRY_DATA_FILE,
  REGISTRY_FILE,
  registryParts,
  renderApps,
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

/**
 * One render of a file, kept as blocks of `BLOCK_PARTS` consecutive parts, each joined (and
 * encoded) once: `text` is `parts.join("\n")`, made of the blocks' texts. A rerun that changes
 * a few parts joins and encodes only their blocks, wherever they are in the file.
 */
export interface Joined {
  readonly parts: readonly string[];
  readonly text: string;
  readonly blocks: readonly Block[];
}

/** Consecutive parts of a render, joined. */
interface Block {
  readonly parts: readonly string[];
  readonly text: string;
  /** `text` as UTF-8, once asked for. */
  bytes: Buffer | undefined;
}

/** Parts per block: at 1000 apps a registry file has about 10,000 parts, so about 150 blocks. */
const BLOCK_PARTS = 64;

/** What the last generation of a session wrote to one file, so an unchanged file is not read back. */
interface WrittenFile {
  readonly content: string;
  readonly mtimeMs: number;
  readonly size: number;
  /** `content` as UTF-8, in pieces (see `joinedBytes`). */
  readonly bytes: readonly Buffer[];
  /** The render that produced `content`, when known. */
  readonly joined: Joined | undefined;
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
  /** pipeline.ts: the last run's reading of the project's declarations. */
  declarations: DeclarationsMemo | undefined;

  /** Rendered pieces per module object; the scan keeps an unchanged module's object. */
  private readonly chunks = new WeakMap<AppModule, ModuleChunk>();
  private nodes:
    | { readonly loadOrder: readonly string[]; readonly nodes: ModuleNodes; from: readonly AppModule[] }
    | undefined;
  /** The last render of each registry file, by path relative to the root. */
  private readonly renders = new Map<string, Joined>();
  /** By absolute path. */
  private readonly written = new Map<string, WrittenFile>();

  /** The apps' lines, while the declarations (and so the apps' array) are the same. */
  private apps: { readonly from: ProjectModel["apps"]; readonly lines: readonly string[] } | undefined;

  private readonly generation = new GenerationHash();

  private readonly pieces: RenderPieces = {
    generation: (hashed) => this.generation.of(hashed),
    apps: (apps) => {
      if (this.apps?.from !== apps) this.apps = { from: apps, lines: renderApps(apps) };
      return this.apps.lines;
    },
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
      const edited = new Map<AppModule, AppModule>();
      for (const [i, module] of modules.entries()) {
        const old = before.from[i] as AppModule;
        if (old !== module) edited.set(old, module);
      }
      const swap = (list: readonly AppModule[]): AppModule[] => {
        const swapped = [...list];
        for (const [i, module] of list.entries()) {
          const replaced = edited.get(module);
          if (replaced !== undefined) swapped[i] = replaced;
        }
        return swapped;
      };
      const nodes = { ...before.nodes, byName: swap(before.nodes.byName), byApp: swap(before.nodes.byApp) };
      this.nodes = { loadOrder, nodes, from: modules };
      return nodes;
    },
  };

  /** `renderRegistry(model, loadOrder)`, joined from the previous render's unchanged blocks. */
  render(model: ProjectModel, loadOrder: readonly string[]): RegistryOutput {
    const parts = registryParts(model, loadOrder, this.pieces);
    const module = joinParts(this.renders.get(REGISTRY_FILE), parts.module);
    const data = joinParts(this.renders.get(REGISTRY_DATA_FILE), parts.data);
    this.renders.set(REGISTRY_FILE, module);
    this.renders.set(REGISTRY_DATA_FILE, data);
    return { module: module.text, data: data.text };
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
    const joined = render !== undefined && render.text === text ? render : undefined; // the same string: no comparison
    if (known !== undefined && joined !== undefined && known.joined === joined) return undefined;
    const bytes = joined !== undefined ? joinedBytes(joined) : [Buffer.from(text, "utf8")];
    if (known !== undefined && sameBytes(bytes, known.bytes)) {
      this.written.set(path, { ...known, content: text, joined });
      return undefined;
    }
    const remember = (): void => {
      const { mtimeMs, size } = statSync(path);
      this.written.set(path, { content: text, mtimeMs, size, bytes, joined });
    };
    // (A file we left has other bytes, so other text: only a file we did not leave is compared.)
    const onDisk = known !== undefined ? known.content : readIfExists(path, root);
    if (known === undefined && onDisk === text) {
      remember();
      return undefined;
    }
    return { path, content: text, encoded: bytes, current: onDisk, remember };
  }
}

/** Entries hashed between two kept states of the hash (see `GenerationHash`). */
const HASH_STEP = 64;

/**
 * `generationOf`, hashing only from the first entry that differs from the previous call's: the
 * hash's state is kept every `HASH_STEP` entries (`Hash.copy()`), and a rerun that changes one
 * module's members resumes from the last state before it instead of hashing ~10,000 entries.
 */
export class GenerationHash {
  private hashed: readonly string[] = [];
  /** `states[k]`: the hash of the first `k * HASH_STEP` entries of `hashed`, never digested. */
  private states: Hash[] = [createHash("sha256")];
  private value = "";

  of(hashed: readonly string[]): string {
    const before = this.hashed;
    let first = 0;
    while (first < hashed.length && first < before.length && hashed[first] === before[first]) first++;
    if (first === hashed.length && first === before.length && this.value !== "") return this.value;
    const from = Math.floor(first / HASH_STEP);
    const states = this.states.slice(0, from + 1);
    const hash = (states[from] as Hash).copy();
    let text = "";
    for (let i = from * HASH_STEP; i < hashed.length; i++) {
      text += `${hashed[i]}\n`;
      if ((i + 1) % HASH_STEP === 0) {
        hash.update(text);
        text = "";
        states.push(hash.copy());
      }
    }
    this.value = hash.update(text).digest("hex").slice(0, 12);
    this.hashed = hashed;
    this.states = states;
    return this.value;
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
 * `parts` joined by "\n", reusing the blocks of `previous` whose parts are the same: only the
 * blocks holding a changed part are joined again. Returns `previous` itself when no part changed.
 */
export function joinParts(previous: Joined | undefined, parts: readonly string[]): Joined {
  const blocks: Block[] = [];
  let same = previous !== undefined && previous.parts.length === parts.length;
  for (let start = 0, index = 0; start < parts.length; start += BLOCK_PARTS, index++) {
    const end = Math.min(start + BLOCK_PARTS, parts.length);
    const old = previous?.blocks[index];
    if (old !== undefined && holdsParts(old, parts, start, end)) blocks.push(old);
    else {
      const slice = parts.slice(start, end);
      blocks.push({ parts: slice, text: slice.join("\n"), bytes: undefined });
      same = false;
    }
  }
  if (same && previous !== undefined) return previous;
  // Concatenation copies nothing: the text is flattened only if someone reads it whole.
  let text = blocks[0]?.text ?? "";
  for (let i = 1; i < blocks.length; i++) text = `${text}\n${(blocks[i] as Block).text}`;
  return { parts, text, blocks };
}

function holdsParts(block: Block, parts: readonly string[], start: number, end: number): boolean {
  if (block.parts.length !== end - start) return false;
  for (let i = start; i < end; i++) if (block.parts[i - start] !== parts[i]) return false;
  return true;
}

/**
 * The UTF-8 bytes of `joined.text`, as its blocks' bytes (each block encoded once) and the
 * newlines between them: not concatenated, they are written as they are (`writev`).
 */
export function joinedBytes(joined: Joined): Buffer[] {
  const chunks: Buffer[] = [];
  for (const [i, block] of joined.blocks.entries()) {
    if (i > 0) chunks.push(NEWLINE);
    block.bytes ??= Buffer.from(block.text, "utf8");
    chunks.push(block.bytes);
  }
  return chunks;
}

/** Whether two lists of pieces hold the same bytes, however each is cut. */
export function sameBytes(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  let length = 0;
  for (const chunk of a) length += chunk.length;
  for (const chunk of b) length -= chunk.length;
  if (length !== 0) return false;
  let i = 0;
  let j = 0;
  let atA = 0;
  let atB = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Buffer;
    const y = b[j] as Buffer;
    const n = Math.min(x.length - atA, y.length - atB);
    if (n > 0 && x.compare(y, atB, atB + n, atA, atA + n) !== 0) return false;
    atA += n;
    atB += n;
    if (atA === x.length) [i, atA] = [i + 1, 0];
    if (atB === y.length) [j, atB] = [j + 1, 0];
  }
  return true;
}

const NEWLINE = Buffer.from("\n");
