// The one error type of Shiplog's HTTP surface: a code the client can branch on, the status
// it maps to, and a message written for the person reading the sender's delivery log.
// Route handlers never build error responses themselves; withErrorHandling turns these into one.

const statusByCode = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  internal_error: 500,
  /** Shiplog itself lacks a setting the request needs (no webhook credential configured). */
  not_configured: 503,
  /** A dependency (the database) did not answer in time; retrying later is safe. */
  service_unavailable: 503,
} as const;

export type AppErrorCode = keyof typeof statusByCode;

export type AppErrorOptions = {
  cause?: unknown;
  /** Machine-readable detail for the client, e.g. validation issues. */
  details?: unknown;
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  headers?: Record<string, string>;
};

export class AppError extends Error {
  readonly status: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.status = statusByCode[code];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function statusOf(code: AppErrorCode): number {
  return statusByCode[code];
}
