/**
 * What views return: a status and either data or an error. Views never throw for bad
 * input; anything else (a bug, a broken database) is not hidden and propagates.
 */
import { AppError } from "./errors.ts";

export type SuccessStatus = 200 | 201;
export type ErrorStatus = AppError["status"];

export interface ErrorBody {
  /** Stable: `validation_failed`, `authentication_failed`, `not_found`, `conflict`. */
  readonly code: string;
  readonly message: string;
  /** The input field at fault, when there is one. */
  readonly field?: string;
}

export type ViewResponse<T> =
  | { readonly status: SuccessStatus; readonly data: T }
  | { readonly status: ErrorStatus; readonly error: ErrorBody };

/**
 * Runs `work` and answers `status` with its result, or the status of the domain error it
 * threw (400, 401, 404, 409).
 */
export async function respond<T>(status: SuccessStatus, work: () => T | Promise<T>): Promise<ViewResponse<T>> {
  try {
    return { status, data: await work() };
  } catch (error) {
    if (error instanceof AppError) return failure(error);
    throw error;
  }
}

/** The response for a domain error. */
export function failure(error: AppError): ViewResponse<never> {
  const body: ErrorBody =
    error.field === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, field: error.field };
  return { status: error.status, error: body };
}
