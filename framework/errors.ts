/**
 * The blog platform's domain errors. Services throw them; views turn them into responses
 * with the matching status (see `framework/responses.ts`).
 */

/** A domain error: a stable `code` and the HTTP-like status a view answers with. */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly status: 400 | 401 | 404 | 409;
  /** The input field at fault, when there is one. */
  readonly field: string | undefined;

  constructor(message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
  }
}

/** The input is malformed: a missing or empty field, an invalid email address. */
export class ValidationError extends AppError {
  override readonly name = "ValidationError";
  readonly code = "validation_failed";
  readonly status = 400;

  constructor(field: string, message: string) {
    super(message, field);
  }
}

/** Wrong credentials, or an inactive account. */
export class AuthenticationError extends AppError {
  override readonly name = "AuthenticationError";
  readonly code = "authentication_failed";
  readonly status = 401;
}

/** What the input refers to does not exist. */
export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  readonly code = "not_found";
  readonly status = 404;

  constructor(what: string, id: number | string, field?: string) {
    super(`${what} ${typeof id === "string" ? JSON.stringify(id) : id} does not exist`, field);
  }
}

/** The input clashes with existing data: a username or email address already taken. */
export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  readonly code = "conflict";
  readonly status = 409;
}
