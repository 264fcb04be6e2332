// What a Prisma client's pg pool says about the database, in the process's log: a warning when
// a connection breaks (a restarting or failing-over server drops every idle one at once; a
// transaction's connection can break mid-way), then, once a new connection succeeds, one line
// saying the database is back and how long it was gone. Further breaks while it is gone go to
// debug, so an outage is two lines, not one per connection.
import type pg from "pg";
import { logger } from "../log/logger";

export type PoolHealthLog = {
  /** For the adapter's onPoolError and onConnectionError. */
  onError: (error: Error) => void;
  /** Watches a pool the adapter made, for connections succeeding again. */
  watch: (pool: pg.Pool) => void;
};

export function logPoolHealth(pool: string): PoolHealthLog {
  const log = () => logger("db").child({ pool });
  let lostAt: number | undefined;
  return {
    onError: (error) => {
      // Not the error itself under `err`: pg-pool hangs the whole client (its statements, its
      // socket) on it, which would make one line tens of kilobytes.
      const fields = { code: (error as { code?: unknown }).code, reason: error.message };
      if (lostAt !== undefined) {
        log().debug(fields, "another database connection failed");
        return;
      }
      lostAt = Date.now();
      log().warn(fields, `a database connection failed (${error.message}); queries fail with 503 until it is back, and the pool reconnects by itself`);
    },
    watch: (driver) => {
      driver.on("connect", () => {
        if (lostAt === undefined) return;
        const seconds = ((Date.now() - lostAt) / 1000).toFixed(1);
        lostAt = undefined;
        log().info(`connected to the database again, ${seconds} s after a connection failed`);
      });
    },
  };
}
