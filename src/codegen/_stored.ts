/**
 * Guards for values read back from spoc's cache files: what was written by another version, or
 * damaged on disk, is recognised and dropped, never trusted.
 */

/** `value`'s fields, to check one by one, or `undefined` when it is not an object at all. */
export function fieldsOf<T>(value: unknown): Partial<T> | undefined {
  return value !== null && typeof value === "object" ? (value as Partial<T>) : undefined;
}

export function isText(value: unknown): value is string {
  return typeof value === "string";
}

export function isList<T>(value: unknown, isItem: (item: unknown) => item is T): value is readonly T[] {
  return Array.isArray(value) && value.every(isItem);
}
