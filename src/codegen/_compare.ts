/**
 * Comparisons the stages share: a stable order of strings, and the identity checks by which a
 * watch session's rerun tells that an input is the one the previous run saw.
 */
import type { AppModule } from "./model.ts";

/** Orders strings by UTF-16 code units, the same on every machine and locale (unlike `localeCompare`). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The same elements (by identity) in the same order. */
export function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  return a === b || (a.length === b.length && a.every((item, i) => item === b[i]));
}

/** The same module nodes (name, app, schema module and file) in the same order; their contents may differ. */
export function sameNodes(a: readonly AppModule[], b: readonly AppModule[]): boolean {
  return (
    a === b ||
    (a.length === b.length &&
      a.every(
        (m, i) =>
          m === b[i] ||
          (m.name === b[i]?.name && m.app === b[i]?.app && m.module === b[i]?.module && m.file === b[i]?.file),
      ))
  );
}

/** Records equal field by field on `fields`, in the same order. */
export function sameRecords<T extends object>(a: readonly T[], b: readonly T[], fields: readonly (keyof T)[]): boolean {
  return (
    a.length === b.length &&
    a.every((record, i) => {
      const other = b[i];
      return other !== undefined && fields.every((field) => record[field] === other[field]);
    })
  );
}
