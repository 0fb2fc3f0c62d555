/**
 * Errors that carry their HTTP meaning. Domain code throws these; one
 * middleware renders them as `{ error: { code, message, fields? } }`.
 * Anything else becomes a generic 500 with a correlation id.
 */

/** A field-level problem, phrased for the seller. */
export type FieldErrors = Record<string, string>;

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly fields: FieldErrors | undefined;

  constructor(message: string, fields?: FieldErrors) {
    super(message);
    this.name = new.target.name;
    this.fields = fields;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'invalid_input';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'not_signed_in';
  constructor(message = 'Please sign in to continue.') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code: string;
  /** The current state, so a stale tab can show where things stand. */
  readonly current: unknown;
  constructor(message: string, code = 'conflict', current?: unknown) {
    super(message);
    this.code = code;
    this.current = current;
  }
}

/** A service we depend on failed; nothing was half-written and the seller can try again. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'try_again';
  constructor(message = 'We could not finish that just now. Nothing was lost; please try again in a moment.') {
    super(message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

/**
 * The item changed since it was read, so a conditional write did not happen.
 * Not shown to sellers as such: the use case decides (a 409 with the current
 * state, or a retry from a fresh read).
 */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

/**
 * A change named an existing connection (books reused from another account)
 * that was deleted meanwhile: nothing was written. The use case says so in
 * the seller's words.
 */
export class ConnectionGoneError extends Error {
  override readonly name = 'ConnectionGoneError';
}

/** A secret was to be created under a name already taken: nothing was written (the owner names every new secret afresh). */
export class SecretExistsError extends Error {
  override readonly name = 'SecretExistsError';
}

/**
 * A dependency (DynamoDB, Step Functions, Secrets Manager) failed. Adapters
 * throw this in place of the SDK's errors, and the error renderer turns it
 * into a 503 the seller can retry: nothing was half-written, because every
 * write is conditional.
 */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
  constructor(
    readonly dependency: string,
    /** The SDK error's name (never its message, which may quote input). */
    readonly causeName: string,
  ) {
    super(`${dependency} failed (${causeName})`);
  }
}

/** Why connecting a provider did not finish; the web app says it in the seller's words (`shared/domain/connect-errors.ts`). */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly code: import('./connect-errors.js').ConnectErrorCode,
    /** For logs only: what went wrong, never a token or a provider's raw answer. */
    readonly reason?: string,
  ) {
    super(`connect failed: ${code}${reason ? ` (${reason})` : ''}`);
  }
}

/** Too many attempts in a while: the seller is told how long to wait (and the response carries `Retry-After`). */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'too_many_attempts';
  constructor(
    message: string,
    /** Whole seconds until trying again can succeed. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
