// The rate limits' own pg pool, one per process: rate-limiter-flexible's PostgreSQL store takes
// a pg client, and its one upsert per check is a statement, so it goes through
// DATABASE_POOLER_URL when set, like the Prisma client's pool. Its statements are prepared
// under fixed names; with prepared statements off (DATABASE_PREPARED_STATEMENTS, default off
// through a pooler) the names are dropped, so a transaction-mode pooler never sees them.
import "server-only";
import pg from "pg";
import { config, databaseUrl } from "../env";
import { logger } from "../log/logger";
import { trackPool } from "../observability/metrics-registry";

/** What rate-limiter-flexible calls on a store client of type "pool". */
export type RateLimitStoreClient = { query: (query: pg.QueryConfig) => Promise<pg.QueryResult> };

const globalForPool = globalThis as unknown as { shiplogRateLimitPool?: { url: string; pool: pg.Pool } };

export function rateLimitPool(): pg.Pool {
  const { DATABASE_POOLER_URL, DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT_MS } = config();
  const url = DATABASE_POOLER_URL ?? databaseUrl();
  // A process that switched databases (tests, start-up choosing the embedded one) counts in the new one.
  if (globalForPool.shiplogRateLimitPool && globalForPool.shiplogRateLimitPool.url !== url) void closeRateLimitPool();
  if (!globalForPool.shiplogRateLimitPool) {
    const pool = new pg.Pool({
      connectionString: url,
      max: DATABASE_POOL_SIZE,
      connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
      // Idle connections do not keep a finishing process (a script, a test worker) alive.
      allowExitOnIdle: true,
    });
    // A connection dropped while idle (database restart) is replaced on next use; without a
    // listener the pool's 'error' event would end the process.
    pool.on("error", (error) => logger("rate-limits").warn(`idle database connection lost: ${error.message}`));
    trackPool("rate-limits", pool);
    globalForPool.shiplogRateLimitPool = { url, pool };
  }
  return globalForPool.shiplogRateLimitPool.pool;
}

/** `pool` as the limiter's store client, with or without named (prepared) statements. */
export function rateLimitStoreClient(pool: pg.Pool, { prepare }: { prepare: boolean }): RateLimitStoreClient {
  return {
    query: (query) => pool.query(prepare ? query : { text: query.text, values: query.values }),
  };
}

/** Whether this process prepares statements (lib/db/client.ts decides the same way for Prisma). */
export function preparesStatements(): boolean {
  const { DATABASE_PREPARED_STATEMENTS, DATABASE_POOLER_URL } = config();
  return DATABASE_PREPARED_STATEMENTS ?? DATABASE_POOLER_URL === undefined;
}

/** Closes the pool, if one was opened (tests, graceful shutdown). */
export async function closeRateLimitPool(): Promise<void> {
  const current = globalForPool.shiplogRateLimitPool;
  globalForPool.shiplogRateLimitPool = undefined;
  await current?.pool.end();
}
