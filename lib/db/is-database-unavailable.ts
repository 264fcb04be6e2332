// Tells "the database could not be reached or is overloaded" (retry later: 503) apart from
// every other database error (a bug: 500). Prisma wraps node-postgres errors in several
// shapes, so this looks at the Prisma code, the driver adapter's cause and the raw error.

// P1001 can't reach, P1002 timed out, P1008 operation timed out, P1017 server closed the
// connection, P2024 timed out waiting for a pooled connection, P2037 too many connections.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);

// @prisma/driver-adapter-utils error kinds for the same situations.
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);

// Socket and DNS errors count only with the `syscall` Node sets on them (connect, read, write,
// getaddrinfo), as @prisma/adapter-pg's own check does: Node's HTTP server also fails a request
// body with code ECONNRESET when the *client* hangs up (`Error: aborted`, no syscall), and that
// once made every client disconnect a logged 503 "database is unavailable" (issue 14, finding 9b).
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "EAI_AGAIN"]);

// SQLSTATE classes 08 (connection exception) and 53 (insufficient resources), and 57P01–57P03
// (administrator/crash shutdown, cannot connect now: the server is starting or stopping).
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[123])$/;

type ErrorLike = {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
};

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const err = error as ErrorLike;
  const code = typeof err.code === "string" ? err.code : undefined;
  const isSocketError = typeof err.syscall === "string" && code !== undefined && UNAVAILABLE_ERRNO.has(code);
  if (code && (UNAVAILABLE_PRISMA_CODES.has(code) || isSocketError || UNAVAILABLE_SQLSTATE.test(code))) {
    return true;
  }
  const adapterCause = err.meta?.driverAdapterError?.cause;
  if (typeof adapterCause?.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(adapterCause.kind)) return true;
  if (typeof adapterCause?.originalCode === "string" && UNAVAILABLE_SQLSTATE.test(adapterCause.originalCode)) return true;
  // node-postgres raises plain Errors for pool and socket failures.
  if (typeof err.message === "string" && /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(err.message)) {
    return true;
  }
  if (Array.isArray(err.errors) && err.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}
