import { ErrorCode, SpocError } from "./errors.ts";

/** What a component was registered as. */
export interface ComponentInfo {
  /** The kind, lower case, e.g. `"service"`. */
  readonly kind: string;
  /** The kind's defaults merged with the options given at registration. */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface RegisterOptions {
  /** Per-component configuration, merged over the kind's defaults. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * Works as a TypeScript 5 class decorator (`@model export class User {}`) and as a
 * wrapper (`export const listPosts = view(async function listPosts() {})`); either way
 * it returns its argument unchanged, so types flow through.
 */
export type ComponentRegistrar = <T extends object>(target: T, context?: ClassDecoratorContext) => T;

/**
 * The component kinds a project uses. Kind names are case-insensitive.
 *
 * ```ts
 * export const components = new Components("model", "view", "service", "worker");
 * export const model = components.register("model");
 * ```
 */
export class Components {
  private readonly kinds = new Map<string, Readonly<Record<string, unknown>>>();
  private readonly info = new WeakMap<object, ComponentInfo>();

  constructor(...kinds: string[]) {
    for (const kind of kinds) this.addType(kind);
  }

  /** The declared kinds, lower case, in declaration order. */
  get types(): readonly string[] {
    return [...this.kinds.keys()];
  }

  /** Declares a kind, with defaults that every component of it gets in its `config`. */
  addType(kind: string, defaults: Readonly<Record<string, unknown>> = {}): void {
    const name = normalizeKind(kind);
    this.kinds.set(name, { ...(this.kinds.get(name) ?? {}), ...defaults });
  }

  /** A decorator and wrapper that registers its target as a component of `kind`. */
  register(kind: string, options: RegisterOptions = {}): ComponentRegistrar {
    const name = this.declared(kind);
    return <T extends object>(target: T): T => {
      if (target === null || target === undefined || (typeof target !== "object" && typeof target !== "function")) {
        throw new SpocError(ErrorCode.InvalidComponent, `cannot register ${String(target)} as a ${name} component`, {
          hint: "pass the class or function itself, e.g. `export const listPosts = view(async function listPosts() {})`",
        });
      }
      this.info.set(target, { kind: name, config: { ...(this.kinds.get(name) ?? {}), ...(options.config ?? {}) } });
      return target;
    };
  }

  /** Whether `value` was registered as a component of `kind`. */
  isComponent(kind: string, value: unknown): boolean {
    const name = this.declared(kind);
    return isObject(value) && this.info.get(value)?.kind === name;
  }

  /** What `value` was registered as, or `undefined` when it is not a component. */
  getInfo(value: unknown): ComponentInfo | undefined {
    return isObject(value) ? this.info.get(value) : undefined;
  }

  private declared(kind: string): string {
    const name = normalizeKind(kind);
    if (!this.kinds.has(name)) {
      const known = this.types.length > 0 ? this.types.map((k) => `"${k}"`).join(", ") : "none";
      throw new SpocError(ErrorCode.UnknownKind, `unknown component kind "${kind}"; declared kinds: ${known}`, {
        hint: `declare it first: new Components(..., "${name}") or components.addType("${name}")`,
      });
    }
    return name;
  }
}

function normalizeKind(kind: string): string {
  const name = String(kind).trim().toLowerCase();
  if (name === "") {
    throw new SpocError(ErrorCode.UnknownKind, "a component kind needs a name", {
      hint: 'name kinds like "model" or "service"',
    });
  }
  return name;
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/**
 * Whether a module named `moduleName` may hold components of `kind`: the module is named
 * after the kind or after its plural (`models` ↔ `model`, `services` ↔ `service`).
 */
export function kindBelongsToModule(kind: string, moduleName: string): boolean {
  const k = kind.toLowerCase();
  const m = moduleName.toLowerCase();
  return m === k || m === pluralOf(k);
}

/** English plural of a kind name, as module names use it. */
export function pluralOf(kind: string): string {
  if (/(s|x|z|ch|sh)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}
