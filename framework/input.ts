/**
 * Readers for untrusted view input: each returns the typed value or throws a
 * `ValidationError` naming the field.
 */
import { ValidationError } from "./errors.ts";

export type Input = Readonly<Record<string, unknown>>;

/** The input as an object of fields. */
export function fieldsOf(input: unknown): Input {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError("input", "the request body must be an object of fields");
  }
  return input as Input;
}

export interface StringOptions {
  /** Accept `""` (after trimming). @default false */
  readonly allowEmpty?: boolean;
  readonly maxLength?: number;
  /** Remove surrounding white space; off for secrets such as passwords. @default true */
  readonly trim?: boolean;
}

/** A string field; trimmed unless `trim: false`, and non-empty unless `allowEmpty`. */
export function requiredString(input: Input, field: string, options: StringOptions = {}): string {
  const value = input[field];
  if (value === undefined || value === null) throw new ValidationError(field, `${field} is required`);
  if (typeof value !== "string") throw new ValidationError(field, `${field} must be a string`);
  const trimmed = options.trim === false ? value : value.trim();
  if (trimmed === "" && !options.allowEmpty) throw new ValidationError(field, `${field} must not be empty`);
  if (options.maxLength !== undefined && trimmed.length > options.maxLength) {
    throw new ValidationError(field, `${field} must be at most ${options.maxLength} characters`);
  }
  return trimmed;
}

/** A string field that may be left out; `undefined` when it is. */
export function optionalString(
  input: Input,
  field: string,
  options: Omit<StringOptions, "allowEmpty"> = {},
): string | undefined {
  if (input[field] === undefined || input[field] === null) return undefined;
  return requiredString(input, field, { allowEmpty: true, ...options });
}

/** A positive integer id; numeric strings are accepted (ids often come from URLs). */
export function requiredId(input: Input, field: string): number {
  const value = input[field];
  if (value === undefined || value === null) throw new ValidationError(field, `${field} is required`);
  const id = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new ValidationError(field, `${field} must be a positive integer id`);
  }
  return id;
}

/** A boolean field that may be left out. */
export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new ValidationError(field, `${field} must be true or false`);
  return value;
}
