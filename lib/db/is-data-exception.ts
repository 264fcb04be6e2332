// Tells an error PostgreSQL raised because of the data itself (SQLSTATE class 22, "data
// exception": a NUL character in text (22021), a value that is not valid input for its type
// (22P02), a number out of range (22003), a bad date (22007, 22008), …) from every other error.
// The same delivery fails the same way on every retry, so the worker sets it aside at once
// instead of holding its ordering key for minutes of retries.
//
// The SQLSTATE travels differently by path: on the error or its cause (pg), in the driver
// adapter's cause (Prisma model queries), or only in the message of a failed raw query.
type ErrorLike = {
  code?: unknown;
  cause?: unknown;
  message?: unknown;
  meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
};

const RAW_QUERY_CODE = /Raw query failed\. Code: `([0-9A-Z]{5})`/;

export function isDataException(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const err = error as ErrorLike;
  const codes = [err.code, err.meta?.code, err.meta?.driverAdapterError?.cause?.originalCode];
  if (typeof err.message === "string") codes.push(RAW_QUERY_CODE.exec(err.message)?.[1]);
  if (codes.some((code) => typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code))) return true;
  return isDataException(err.cause, depth + 1);
}
