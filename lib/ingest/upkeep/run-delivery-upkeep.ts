// Upkeep of webhook_deliveries' partitions: at start and every hour, create the coming days'
// partitions (delivery-partitions.ts) and drop the days past SHIPLOG_DELIVERY_RETENTION_DAYS
// (delivery-retention.ts). Runs in every worker process; a session advisory lock gives one of
// them the turn, the others skip that round. Hourly rather than daily: a process started just
// before midnight, or a lock that was busy, catches up within the hour, and a round with
// nothing to do costs two catalog reads.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { config, databaseUrl } from "../../env";
import { logger } from "../../log/logger";
import { ensureDeliveryPartitions } from "./delivery-partitions";
import { dropExpiredDeliveryPartitions, type RetentionLog, type RetentionResult } from "./delivery-retention";

const UPKEEP_LOCK_KEY = 0x5348_4950_5041_5254n; // "SHIPPART"
const INTERVAL_MS = 60 * 60 * 1000;

const consoleLog: RetentionLog = { info: (line) => logger("upkeep").info(line), warn: (line) => logger("upkeep").warn(line) };

export type UpkeepResult = { created: string[] } & RetentionResult;

/** One round; null when another process holds the turn. */
export async function upkeepDeliveryPartitions(
  options: { url?: string; now?: Date; retentionDays?: number; log?: RetentionLog } = {},
): Promise<UpkeepResult | null> {
  const log = options.log ?? consoleLog;
  const client = new pg.Client({ connectionString: options.url ?? databaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ turn: boolean }>("SELECT pg_try_advisory_lock($1) AS turn", [UPKEEP_LOCK_KEY.toString()]);
    if (!rows[0]?.turn) return null;
    const created = await ensureDeliveryPartitions(client, options.now);
    if (created.length > 0) log.info(`[partitions] created ${created.join(", ")}`);
    const retention = await dropExpiredDeliveryPartitions(client, {
      retentionDays: options.retentionDays ?? config().SHIPLOG_DELIVERY_RETENTION_DAYS,
      now: options.now,
      log,
    });
    return { created, ...retention };
  } finally {
    // Ending the session releases the advisory lock.
    await client.end();
  }
}

export async function runDeliveryUpkeep(options: { signal: AbortSignal; log?: RetentionLog }): Promise<void> {
  const log = options.log ?? consoleLog;
  while (!options.signal.aborted) {
    try {
      await upkeepDeliveryPartitions({ log });
    } catch (error) {
      // The default partition keeps accepts working meanwhile; say so and try next round.
      log.warn(`[partitions] upkeep failed, retrying in an hour (deliveries still land in the default partition): ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      await sleep(INTERVAL_MS, undefined, { signal: options.signal });
    } catch {
      return; // aborted while waiting: shutting down
    }
  }
}
