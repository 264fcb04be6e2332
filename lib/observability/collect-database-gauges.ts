// The gauges that describe the database rather than this process, read when Prometheus scrapes:
// queue depth and the age of the oldest due delivery per source, quarantined deliveries per
// source, rollbacks per state. One statement under a short statement_timeout, no background
// loop: a process nobody scrapes never asks. The queue part reads the partial index of
// unfinished deliveries (status PENDING or FAILED, as find-due-deliveries.ts does), so its cost
// is the backlog, not the millions of finished rows beside it; quarantined ones come from the
// (status, next_attempt_at) index. If the database does not answer in time the scrape still
// succeeds with the process metrics, the gauges keep their last values, and
// shiplog_metrics_database_read_failures_total counts the miss.
import type { Db } from "../db/client";
import { DeliverySource, RollbackState } from "../generated/prisma/enums";
import { logger } from "../log/logger";
import { metrics } from "./metrics-registry";

/** Long enough for a deep backlog's index scan, short enough to answer inside Prometheus' scrape timeout (10 s default). */
export const DATABASE_GAUGES_TIMEOUT_MS = 2_000;

type GaugeRow = { kind: "queue" | "quarantined" | "rollback"; key: string; count: number; age: number };

export async function collectDatabaseGauges(db: Db, options: { timeoutMs?: number } = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? DATABASE_GAUGES_TIMEOUT_MS;
  const m = metrics();
  let rows: GaugeRow[];
  try {
    rows = await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`;
        return tx.$queryRaw<GaugeRow[]>`
          SELECT 'queue' AS kind, source::text AS key, count(*)::int AS count,
                 COALESCE(EXTRACT(EPOCH FROM now() - min(received_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS age
          FROM webhook_deliveries WHERE status IN ('PENDING', 'FAILED') GROUP BY source
          UNION ALL
          SELECT 'quarantined', source::text, count(*)::int, 0 FROM webhook_deliveries WHERE status = 'QUARANTINED' GROUP BY source
          UNION ALL
          SELECT 'rollback', state::text, count(*)::int, 0 FROM rollbacks GROUP BY state`;
      },
      { timeout: timeoutMs + 1_000, maxWait: timeoutMs },
    );
  } catch (error) {
    m.databaseGaugesFailures.inc();
    logger("metrics").warn({ err: error }, "the database gauges (queue depth, rollbacks) could not be read for this scrape");
    return false;
  }
  for (const source of Object.values(DeliverySource)) {
    m.queueDepth.set({ source }, 0);
    m.queueOldestDueAge.set({ source }, 0);
    m.deliveriesQuarantined.set({ source }, 0);
  }
  for (const state of Object.values(RollbackState)) m.rollbacks.set({ state }, 0);
  for (const row of rows) {
    if (row.kind === "queue") {
      m.queueDepth.set({ source: row.key }, row.count);
      m.queueOldestDueAge.set({ source: row.key }, Math.max(0, row.age));
    } else if (row.kind === "quarantined") {
      m.deliveriesQuarantined.set({ source: row.key }, row.count);
    } else {
      m.rollbacks.set({ state: row.key }, row.count);
    }
  }
  return true;
}
