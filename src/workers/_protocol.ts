/**
 * The messages a parent and its worker thread or child process exchange, and how values
 * cross between them. Internal: `index.ts` does not export this file.
 */
import { SpocError, WorkerError, type ErrorCode } from "../errors.ts";
import type { WorkerLocation } from "./location.ts";

import type { WorkerEvent } from "./results.ts";

export type { WorkerEvent };

/** What a worker hands the thread or process that runs it. */
export interface ChildInit {
  readonly location: WorkerLocation;
  /** The constructor options, already checked to be structured-clone-able. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The worker's name on the parent; the child instance gets the same. */
  readonly name: string;
  /** The parent's context at `start()`, which the child instance starts from. */
  readonly context: Readonly<Record<string, unknown>>;
}

export type ParentMessage = { readonly type: "stop" };

/** An error as it crosses a thread or process boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Own enumerable properties that could be cloned (`code`, `hint`…). */
  readonly props: Readonly<Record<string, unknown>>;
}

export type ChildMessage =
  | {
      readonly type: "event";
      readonly event: "startup" | "shutdown";
      readonly context?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: "event";
      readonly event: "error";
      readonly error: SerializedError;
      readonly context?: Readonly<Record<string, unknown>>;
    };

/** The argument that marks a process started by `ProcessWorker`. */
export const PROCESS_FLAG = "--spoc-worker";

/** What a `ThreadWorker` passes as `workerData`. */
export interface ThreadData {
  readonly spoc: { readonly init: ChildInit; readonly entry: string; readonly tsxApiUrl?: string };
}

/** Every message between a parent and a child is wrapped so others can share the channel. */
export interface Envelope<T> {
  readonly spoc: T;
}

/** The first message a `ProcessWorker` sends its process. */
export type ProcessInit = { readonly type: "init"; readonly init: ChildInit };

export function isEnvelope<T>(value: unknown): value is Envelope<T> {
  return typeof value === "object" && value !== null && "spoc" in value;
}

/**
 * Keys shared by every copy of the workers code (a bundle may hold two): `Symbol.for`
 * returns the same symbol in every module instance of a thread or process.
 */
export const IS_WORKER = Symbol.for("spoc.workers.isWorker");
export const RUN_HERE = Symbol.for("spoc.workers.runHere");

/** Any thrown value as an `Error`. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

export function serializeError(value: unknown): SerializedError {
  const error = toError(value);
  const props: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(error)) {
    if (isCloneable(prop)) props[key] = prop;
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    props,
  };
}

/**
 * Rebuilds an error sent by a child; its stack is the child's. spoc's own errors come back
 * as `WorkerError` or `SpocError` with their code and hint.
 */
export function deserializeError(serialized: SerializedError): Error {
  const { code, hint } = serialized.props;
  const isOwn = typeof code === "string" && (serialized.name === "WorkerError" || serialized.name === "SpocError");
  const error = isOwn
    ? new (serialized.name === "WorkerError" ? WorkerError : SpocError)(code as ErrorCode, serialized.message, {
        ...(typeof hint === "string" ? { hint } : {}),
      })
    : new Error(serialized.message);
  Object.assign(error, serialized.props);
  Object.defineProperty(error, "name", { value: serialized.name, configurable: true, writable: true });
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where in `value` something that does not survive `structuredClone` sits, as a path
 * (`"mailer"`, `"smtp.socket"`), or `undefined` when all of it does. Class instances are
 * refused too: a clone loses their methods.
 */
export function findUncloneable(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? path : undefined;
  }
  if (seen.has(value)) return undefined;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null || Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUncloneable(item, path === "" ? key : `${path}.${key}`, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      const found =
        findUncloneable(key, `${path}<key>`, seen) ?? findUncloneable(item, `${path}.get(${String(key)})`, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const item of value) {
      const found = findUncloneable(item, `${path}<item>`, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isBuiltinCloneable(value)) return undefined;
  return path;
}

function isBuiltinCloneable(value: object): boolean {
  return (
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof Boolean ||
    value instanceof Number ||
    value instanceof String
  );
}
