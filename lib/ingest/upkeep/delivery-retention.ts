// Retention of raw deliveries (SHIPLOG_DELIVERY_RETENTION_DAYS): a day's partition of
// webhook_deliveries is dropped whole once the day ended more than that many days ago, which
// costs no vacuum and no index churn, unlike deleting rows. A delivery that is not finished is
// never lost: a partition still holding a pending, failed or quarantined delivery is kept, and
// the operator is told which and why each run, until those are replayed or processed.
// Dropped deliveries can no longer be replayed, nor rebuilt from (docs/webhooks.md).
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { DEFAULT_PARTITION, DELIVERIES_TABLE, listDayPartitions, type DayPartition } from "./delivery-partitions";

export const RETENTION_SETTING = "SHIPLOG_DELIVERY_RETENTION_DAYS";

export type RetentionLog = { info: (line: string) => void; warn: (line: string) => void };

export type RetentionResult = {
  dropped: string[];
  /** Partitions past retention kept for their unfinished deliveries, with the counts by status. */
  kept: { name: string; unfinished: Record<string, number> }[];
  /** Partitions past retention whose drop did not get its lock in time; tried again next run. */
  busy: string[];
};

const UNFINISHED = ["PENDING", "FAILED", "QUARANTINED"] as const;
// Dropping a partition needs webhook_deliveries exclusively, and while that lock is waited for,
// every accept queues behind it. So it is waited for briefly, a few times, and otherwise left
// to the next run: accepts stall at most DROP_LOCK_TIMEOUT, well inside their 1.5 s deadline.
const DROP_LOCK_TIMEOUT = "200ms";
const DROP_ATTEMPTS = 5;
const DAY_MS = 86_400_000;

export async function dropExpiredDeliveryPartitions(
  client: pg.ClientBase,
  options: { retentionDays: number; now?: Date; log: RetentionLog },
): Promise<RetentionResult> {
  const result: RetentionResult = { dropped: [], kept: [], busy: [] };
  if (options.retentionDays === 0) return result;
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * DAY_MS);
  const partitions = await listDayPartitions(client);
  for (const partition of partitions.filter((candidate) => candidate.to.getTime() <= cutoff.getTime())) {
    const outcome = await dropUnlessUnfinished(client, partition);
    if (outcome === "dropped") {
      result.dropped.push(partition.name);
      await deleteKeys(client, partition.from, partition.to);
    } else if (outcome === "busy") {
      result.busy.push(partition.name);
      options.log.info(`[retention] ${partition.name} is past ${RETENTION_SETTING}=${options.retentionDays} but webhook_deliveries stayed busy; dropping it next run`);
    } else {
      result.kept.push({ name: partition.name, unfinished: outcome });
      options.log.warn(
        `[retention] kept ${partition.name} (deliveries received ${partition.from.toISOString().slice(0, 10)}) past ${RETENTION_SETTING}=${options.retentionDays}: ` +
          `it holds ${describe(outcome)} delivery(ies) not yet finished; replay or resolve them (ingestion page, POST /api/v1/deliveries/replay) and it is dropped on a later run`,
      );
    }
  }
  // Keys older than every remaining day partition belong to no stored delivery (the default
  // partition holds only recent days, see ensureDeliveryPartitions); a crash between a drop
  // and its key pruning leaves nothing behind for long.
  const oldest = (await listDayPartitions(client))[0];
  const below = oldest && oldest.from.getTime() < cutoff.getTime() ? oldest.from : cutoff;
  await client.query(
    `DELETE FROM webhook_delivery_keys k WHERE k.received_at < $1
       AND NOT EXISTS (SELECT 1 FROM ${DEFAULT_PARTITION} d WHERE d.id = k.webhook_delivery_id AND d.received_at = k.received_at)`,
    [below],
  );
  if (result.dropped.length > 0) options.log.info(`[retention] dropped ${result.dropped.length} day(s) of deliveries older than ${options.retentionDays} days: ${result.dropped.join(", ")}`);
  return result;
}

/** Drops the partition unless it holds unfinished deliveries; "busy" when its lock was not had in time. */
async function dropUnlessUnfinished(client: pg.ClientBase, partition: DayPartition): Promise<"dropped" | "busy" | Record<string, number>> {
  const name = client.escapeIdentifier(partition.name);
  // Checked without locks first, so a kept partition costs the accept path nothing.
  const unfinished = await countUnfinished(client, name);
  if (Object.keys(unfinished).length > 0) return unfinished;
  for (let attempt = 1; attempt <= DROP_ATTEMPTS; attempt += 1) {
    await client.query("BEGIN");
    try {
      await client.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      // Dropping a partition locks the parent exclusively anyway; taking that lock first means a
      // replay cannot make a delivery of this day pending again between the check and the drop.
      await client.query(`LOCK TABLE ${DELIVERIES_TABLE} IN ACCESS EXCLUSIVE MODE`);
      const again = await countUnfinished(client, name);
      if (Object.keys(again).length > 0) {
        await client.query("ROLLBACK");
        return again;
      }
      await client.query(`DROP TABLE ${name}`);
      await client.query("COMMIT");
      return "dropped";
    } catch (error) {
      await client.query("ROLLBACK");
      if ((error as { code?: string }).code !== "55P03") throw error; // 55P03: lock_not_available
    }
    await sleep(1000);
  }
  return "busy";
}

async function countUnfinished(client: pg.ClientBase, name: string): Promise<Record<string, number>> {
  const { rows } = await client.query<{ status: string; count: number }>(
    `SELECT status::text AS status, count(*)::int AS count FROM ${name} WHERE status = ANY($1::"DeliveryStatus"[]) GROUP BY status ORDER BY status`,
    [UNFINISHED],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

// Outside the drop's transaction: the keys of a busy day can number millions, and the parent's
// exclusive lock must not wait for them. Until they go, a redelivery of a dropped delivery
// counts as a duplicate, which it is.
async function deleteKeys(client: pg.ClientBase, from: Date, to: Date): Promise<void> {
  await client.query("DELETE FROM webhook_delivery_keys WHERE received_at >= $1 AND received_at < $2", [from, to]);
}

function describe(unfinished: Record<string, number>): string {
  return Object.entries(unfinished)
    .map(([status, count]) => `${count} ${status.toLowerCase()}`)
    .join(", ");
}
