// Tells a transaction that lost a race (deadlock, serialization failure) apart from every other
// error: retrying the same work succeeds. Prisma reports both as P2034; raw queries through the
// pg driver adapter carry the SQLSTATE (40P01, 40001) on the adapter error or its cause.
const CONFLICT_SQLSTATE = new Set(["40001", "40P01"]);

type ErrorLike = {
  code?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
};

export function isWriteConflict(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const err = error as ErrorLike;
  if (err.code === "P2034" || (typeof err.code === "string" && CONFLICT_SQLSTATE.has(err.code))) return true;
  const adapterCause = err.meta?.driverAdapterError?.cause;
  if (adapterCause?.kind === "TransactionWriteConflict") return true;
  if (typeof adapterCause?.originalCode === "string" && CONFLICT_SQLSTATE.has(adapterCause.originalCode)) return true;
  return isWriteConflict(err.cause, depth + 1);
}
