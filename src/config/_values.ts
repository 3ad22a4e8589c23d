/** "a string", "an integer (3)"… for messages about wrong types. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `a string (${JSON.stringify(value)})`;
  if (typeof value === "number") return Number.isInteger(value) ? `an integer (${value})` : `a float (${value})`;
  if (typeof value === "bigint") return `an integer (${value})`;
  if (typeof value === "boolean") return `a boolean (${value})`;
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (value === null || value === undefined) return "nothing";
  return "a table";
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
