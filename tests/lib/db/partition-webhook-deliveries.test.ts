// The migration that partitions webhook_deliveries, run on a database that already holds
// deliveries: every row moves with its id, the id sequence carries on, each day that held rows
// gets its partition, and the idempotency keys come along.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { defaultMigrationsDir, migrate, readMigrations } from "../../../lib/db/migrate";
import { createDatabase } from "../../support/postgres-admin";

const PARTITIONING = "20261124211500_partition_webhook_deliveries";
const cleanups: (() => Promise<void>)[] = [];
let client: pg.Client;

afterAll(async () => {
  await client?.end();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A migrations folder with the committed migrations before `PARTITIONING`. */
async function migrationsBefore(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "shiplog-partition-migration-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const migration of (await readMigrations()).filter((candidate) => candidate.name < PARTITIONING)) {
    await mkdir(path.join(dir, migration.name));
    await writeFile(path.join(dir, migration.name, "migration.sql"), await readFile(path.join(defaultMigrationsDir, migration.name, "migration.sql")));
  }
  return dir;
}

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_partition" });
  cleanups.push(database.drop);
  await migrate(database.url, { migrationsDir: await migrationsBefore() });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`
    INSERT INTO webhook_deliveries (source, delivery_id, event, ordering_key, body, received_at, status)
    VALUES ('GITHUB', 'old-1', 'push', 'acme/api', '{"n":1}', '2026-03-01T10:00:00Z', 'PROCESSED'),
           ('GITHUB', 'old-2', 'push', 'acme/api', '{"n":2}', '2026-03-01T23:59:59.999Z', 'QUARANTINED'),
           ('ARGOCD', 'old-3', 'app.sync', NULL, '{"n":3}', '2026-03-02T00:00:00Z', 'PENDING'),
           ('BUILD', 'now-1', 'build', NULL, '{"n":4}', now(), 'PENDING')`);
  await migrate(database.url);
});

it("keeps every delivery with its id, and the next id follows the last", async () => {
  const { rows } = await client.query<{ id: string; delivery_id: string; status: string }>(
    "SELECT id, delivery_id, status::text AS status FROM webhook_deliveries ORDER BY id",
  );
  expect(rows.map((row) => [Number(row.id), row.delivery_id, row.status])).toEqual([
    [1, "old-1", "PROCESSED"],
    [2, "old-2", "QUARANTINED"],
    [3, "old-3", "PENDING"],
    [4, "now-1", "PENDING"],
  ]);
  const inserted = await client.query<{ id: string }>(
    "INSERT INTO webhook_deliveries (source, delivery_id, event, body) VALUES ('BUILD', 'now-2', 'build', '{}') RETURNING id",
  );
  expect(Number(inserted.rows[0]!.id)).toBe(5);
});

it("puts each day's deliveries in that day's partition, with partitions ready for the coming week", async () => {
  const { rows } = await client.query<{ partition: string; delivery_id: string }>(
    "SELECT tableoid::regclass::text AS partition, delivery_id FROM webhook_deliveries WHERE delivery_id LIKE 'old-%' ORDER BY delivery_id",
  );
  expect(rows).toEqual([
    { partition: "webhook_deliveries_20260301", delivery_id: "old-1" },
    { partition: "webhook_deliveries_20260301", delivery_id: "old-2" },
    { partition: "webhook_deliveries_20260302", delivery_id: "old-3" },
  ]);
  const week = await client.query<{ missing: number; in_default: number }>(`
    SELECT (SELECT count(*)::int FROM generate_series(0, 7) ahead
            WHERE to_regclass('webhook_deliveries_' || to_char((now() AT TIME ZONE 'UTC')::date + ahead, 'YYYYMMDD')) IS NULL) AS missing,
           (SELECT count(*)::int FROM webhook_deliveries_default) AS in_default`);
  expect(week.rows[0]).toEqual({ missing: 0, in_default: 0 });
});

it("carries the idempotency keys over: a stored delivery is not stored twice", async () => {
  const keys = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM webhook_delivery_keys");
  expect(keys.rows[0]!.count).toBe(5);
  const again = await client.query(
    "INSERT INTO webhook_deliveries (source, delivery_id, event, body) VALUES ('GITHUB', 'old-1', 'push', '{}') RETURNING id",
  );
  expect(again.rowCount).toBe(0);
});
