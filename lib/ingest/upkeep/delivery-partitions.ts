// webhook_deliveries is partitioned by day of received_at (UTC), one partition per day named
// webhook_deliveries_YYYYMMDD, plus webhook_deliveries_default for any row whose day has none.
// ensureDeliveryPartitions keeps today's and the next days' partitions ready, so the default
// partition stays empty; rows that landed there anyway (upkeep was stopped) move into their
// day's partition when it is created. Retention (delivery-retention.ts) drops old days.
//
// DDL takes names and bounds that cannot be query parameters: both are built here from dates
// only and quoted by pg's own escaping.
import type pg from "pg";

export const DELIVERIES_TABLE = "webhook_deliveries";
export const DEFAULT_PARTITION = "webhook_deliveries_default";
/** Days after today whose partitions upkeep keeps ready (the migration made the first ones). */
export const PARTITION_DAYS_AHEAD = 7;
/** Longest creating a partition waits for its locks (none of which accepts wait on); it gives up and tries next run. */
export const UPKEEP_LOCK_TIMEOUT = "5s";

const PARTITION_NAME = /^webhook_deliveries_(\d{4})(\d{2})(\d{2})$/;
const DAY_MS = 86_400_000;

export type DayPartition = { name: string; /** Inclusive start (UTC midnight). */ from: Date; /** Exclusive end. */ to: Date };

/** The partition holding deliveries received on the UTC day of `at`. */
export function dayPartition(at: Date): DayPartition {
  const from = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
  const stamp = from.toISOString().slice(0, 10).replaceAll("-", "");
  return { name: `${DELIVERIES_TABLE}_${stamp}`, from, to: new Date(from.getTime() + DAY_MS) };
}

/** The day partitions that exist, oldest first (the default partition is not one of them). */
export async function listDayPartitions(client: pg.ClientBase): Promise<DayPartition[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass`,
    [DELIVERIES_TABLE],
  );
  return rows
    .flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      return match ? [{ ...dayPartition(new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`)), name }] : [];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Creates the partitions of today and the next PARTITION_DAYS_AHEAD days, and of every day the
 * default partition holds rows of (moving them in). Returns the names it created.
 */
export async function ensureDeliveryPartitions(client: pg.ClientBase, now: Date = new Date()): Promise<string[]> {
  const existing = new Set((await listDayPartitions(client)).map((partition) => partition.name));
  const { rows: stray } = await client.query<{ day: Date }>(
    `SELECT DISTINCT date_trunc('day', received_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day FROM ${DEFAULT_PARTITION}`,
  );
  const wanted = new Map<string, DayPartition>();
  for (const at of [...stray.map((row) => row.day), ...Array.from({ length: PARTITION_DAYS_AHEAD + 1 }, (_, ahead) => new Date(now.getTime() + ahead * DAY_MS))]) {
    const partition = dayPartition(at);
    if (!existing.has(partition.name)) wanted.set(partition.name, partition);
  }
  const created: string[] = [];
  for (const partition of [...wanted.values()].sort((a, b) => a.from.getTime() - b.from.getTime())) {
    await createDayPartition(client, partition);
    created.push(partition.name);
  }
  return created;
}

// CREATE TABLE … PARTITION OF would lock webhook_deliveries exclusively; a table created on its
// own and then attached needs only SHARE UPDATE EXCLUSIVE there, so accepts carry on meanwhile.
// PostgreSQL adds the parent's indexes and triggers to it on attach.
async function createDayPartition(client: pg.ClientBase, partition: DayPartition): Promise<void> {
  const name = client.escapeIdentifier(partition.name);
  const from = client.escapeLiteral(partition.from.toISOString());
  const to = client.escapeLiteral(partition.to.toISOString());
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL lock_timeout = '${UPKEEP_LOCK_TIMEOUT}'`);
    await client.query(`CREATE TABLE ${name} (LIKE ${DELIVERIES_TABLE} INCLUDING DEFAULTS)`);
    // Attaching fails while the default partition holds rows of this day: move them in first.
    // Deleting from the partition itself fires none of webhook_deliveries' statement triggers,
    // so the rows keep their idempotency keys.
    await client.query(
      `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE received_at >= ${from} AND received_at < ${to} RETURNING *)
       INSERT INTO ${name} SELECT * FROM moved`,
    );
    await client.query(`ALTER TABLE ${DELIVERIES_TABLE} ATTACH PARTITION ${name} FOR VALUES FROM (${from}) TO (${to})`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
