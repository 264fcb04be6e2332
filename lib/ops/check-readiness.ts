// Readiness: the database answers and has every migration in prisma/migrations applied.
// Load balancers and orchestrators poll this, so it answers within a fixed budget even
// when the database hangs, and says why it is not ready.
import { pendingMigrations } from "../db/migrate";

export type Readiness =
  | { status: "ready"; pendingMigrations: [] }
  | {
      status: "not_ready";
      reason: "database_unreachable" | "database_timeout" | "migrations_pending";
      detail: string;
      pendingMigrations?: string[];
    };

/** The part of the Prisma client readiness uses (PrismaClient fits); tests pass stand-ins. */
export type ReadinessDb = { $queryRawUnsafe<T = unknown>(query: string): Promise<T> };

export const defaultReadinessTimeoutMs = 1_500;

export async function checkReadiness(
  getDb: () => ReadinessDb,
  options: { migrationsDir?: string; timeoutMs?: number } = {},
): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? defaultReadinessTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const pending = (async () => {
    const db = getDb();
    // The SQL is a constant from lib/db/migrate.ts with no parameters, so the untagged
    // variant is safe here; it lets readiness share the migrator's own definition of "applied".
    return pendingMigrations(
      (sql) => db.$queryRawUnsafe<{ migration_name: string }[]>(sql).catch(rethrowWithSqlState),
      options.migrationsDir,
    );
  })();
  try {
    const outcome = await Promise.race([pending, timedOut]);
    if (outcome === "timeout") {
      // The query may still settle later; nobody is waiting for it.
      pending.catch(() => undefined);
      return {
        status: "not_ready",
        reason: "database_timeout",
        detail: `the database did not answer within ${timeoutMs} ms`,
      };
    }
    if (outcome.length > 0) {
      return {
        status: "not_ready",
        reason: "migrations_pending",
        detail: `${outcome.length} migration(s) not applied yet; \`npm start\` applies them on start-up`,
        pendingMigrations: outcome,
      };
    }
    return { status: "ready", pendingMigrations: [] };
  } catch (error) {
    return { status: "not_ready", reason: "database_unreachable", detail: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  const err = error as { message?: string; code?: string; errors?: { message: string }[] };
  const message = err.message || err.errors?.map((inner) => inner.message).join("; ") || String(error);
  // Prisma prefixes driver errors with the invocation; the last line carries the cause.
  return message.trim().split("\n").at(-1)?.trim() ?? message;
}

/**
 * pendingMigrations recognises "no bookkeeping table yet" by the SQLSTATE in `error.code`,
 * as node-postgres reports it; Prisma wraps the driver's error and keeps that code deeper.
 */
function rethrowWithSqlState(error: unknown): never {
  const sqlState = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } }).meta
    ?.driverAdapterError?.cause?.originalCode;
  if (typeof sqlState === "string") throw Object.assign(new Error(messageOf(error), { cause: error }), { code: sqlState });
  throw error;
}
