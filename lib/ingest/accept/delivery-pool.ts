// The accept path's own pg pool, one per process. Storing a delivery is one statement on the
// hottest path Shiplog has; measured at 20 concurrent accepts, the same INSERT through Prisma's
// $queryRaw (driver adapter, query engine) ran at 1,400–1,950/s where a plain pg pool ran
// 2,850–3,650/s once commits were cheap (docs/webhooks.md "Accept path"), so accepts skip
// Prisma. Same settings as the Prisma client's pool (lib/db/client.ts): the pooler URL when
// set, DATABASE_POOL_SIZE connections.
import "server-only";
import pg from "pg";
import { config, databaseUrl } from "../../env";
import { logger } from "../../log/logger";
import { trackPool } from "../../observability/metrics-registry";

const globalForPool = globalThis as unknown as { shiplogDeliveryPool?: pg.Pool };

export function deliveryPool(): pg.Pool {
  if (!globalForPool.shiplogDeliveryPool) {
    const { DATABASE_POOLER_URL, DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT_MS } = config();
    const pool = new pg.Pool({
      connectionString: DATABASE_POOLER_URL ?? databaseUrl(),
      max: DATABASE_POOL_SIZE,
      connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
      // Idle connections do not keep a finishing process (a script, a test worker) alive.
      allowExitOnIdle: true,
    });
    // A connection dropped while idle (database restart) is replaced on next use; without a
    // listener the pool's 'error' event would end the process.
    pool.on("error", (error) => logger("accept").warn(`idle database connection lost: ${error.message}`));
    trackPool("accept", pool);
    globalForPool.shiplogDeliveryPool = pool;
  }
  return globalForPool.shiplogDeliveryPool;
}

/** Closes the pool, if one was opened (tests, graceful shutdown). */
export async function closeDeliveryPool(): Promise<void> {
  const pool = globalForPool.shiplogDeliveryPool;
  globalForPool.shiplogDeliveryPool = undefined;
  await pool?.end();
}
