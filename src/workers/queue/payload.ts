/**
 * Payload schemas: any validator that implements Standard Schema v1 (zod, valibot,
 * arktype and others do), so spoc ships no validation library of its own.
 */
import { ErrorCode, WorkerError } from "../../errors.ts";

/** One problem a schema found, with the path of the field it is about. */
export interface PayloadIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What a schema's `validate` answers: the (possibly transformed) value, or the issues. */
export type PayloadResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<PayloadIssue> };

/**
 * A Standard Schema v1 validator (the part spoc uses): `schema["~standard"].validate(value)`.
 * Its output type is the payload type of the queue.
 */
export interface PayloadSchema<Output = unknown> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => PayloadResult<Output> | Promise<PayloadResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

/** The payload type a schema produces. */
export type PayloadOf<S> = S extends PayloadSchema<infer Output> ? Output : never;

/**
 * Validates `value` against `schema` and returns what the schema produced.
 * @throws WorkerError `InvalidPayload` naming the job and each offending field.
 */
export async function validatePayload<Output>(
  schema: PayloadSchema<Output>,
  value: unknown,
  job: string,
): Promise<Output> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return result.value;
  const problems = result.issues.map((issue) => `${fieldOf(issue) ?? "(payload)"}: ${issue.message}`);
  const first = result.issues[0] ? fieldOf(result.issues[0]) : undefined;
  throw new WorkerError(ErrorCode.InvalidPayload, `invalid payload for job "${job}": ${problems.join("; ")}`, {
    hint: first
      ? `fix the field "${first}" of the payload passed to jobs.send("${job}", …); its schema is the worker's payload`
      : `pass a payload that matches the payload schema of the queue worker "${job}"`,
  });
}

/** `author.email`, `tags[2]`: the path of an issue as a person reads it. */
function fieldOf(issue: PayloadIssue): string | undefined {
  if (!issue.path || issue.path.length === 0) return undefined;
  let field = "";
  for (const segment of issue.path) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    if (typeof key === "number") field += `[${key}]`;
    else field += field === "" ? String(key) : `.${String(key)}`;
  }
  return field;
}

/** The payload of a queue that declares no schema: an empty object. */
export type EmptyPayload = Record<string, never>;

/** Accepts a plain object (or nothing) as the payload of a queue without a schema. */
export const emptyPayload: PayloadSchema<EmptyPayload> = {
  "~standard": {
    version: 1,
    vendor: "spoc",
    validate: (value) =>
      value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value))
        ? { value: (value ?? {}) as EmptyPayload }
        : { issues: [{ message: `expected an object or nothing, got ${JSON.stringify(value)}` }] },
  },
};
