// Partition upkeep and retention of webhook_deliveries on real PostgreSQL: partitions are made
// ahead, stray rows in the default partition move into their day, old finished days are dropped
// whole, and a day still holding an unfinished delivery is kept with a line saying why.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../../lib/db/client";
import { databaseUrl } from "../../../../lib/env";
import { acceptDelivery } from "../../../../lib/ingest/accept/accept-delivery";
import { dayPartition, ensureDeliveryPartitions, listDayPartitions, PARTITION_DAYS_AHEAD } from "../../../../lib/ingest/upkeep/delivery-partitions";
import { dropExpiredDeliveryPartitions } from "../../../../lib/ingest/upkeep/delivery-retention";
import { upkeepDeliveryPartitions } from "../../../../lib/ingest/upkeep/run-delivery-upkeep";

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
});
afterAll(() => client.end());
beforeEach(async () => {
  await getDb().$executeRaw`TRUNCATE webhook_deliveries`;
});

const store = (deliveryId: string, receivedAt: Date, status: "PROCESSED" | "IGNORED" | "PENDING" | "FAILED" | "QUARANTINED") =>
  getDb().webhookDelivery.create({ data: { source: "GITHUB", deliveryId, event: "push", body: "{}", receivedAt, status } });

const partitionOf = async (deliveryId: string) =>
  (await client.query<{ partition: string }>("SELECT tableoid::regclass::text AS partition FROM webhook_deliveries WHERE delivery_id = $1", [deliveryId])).rows[0]
    ?.partition;

const collect = () => {
  const lines: string[] = [];
  return { lines, log: { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) } };
};

describe("partition upkeep", () => {
  it("keeps today's and the next days' partitions ready, and creates each only once", async () => {
    // The suite's clock may have crossed midnight since start-up made today's partitions:
    // settle the ones of this test's `now` first, so only the three days further are new.
    await ensureDeliveryPartitions(client, now);
    const later = new Date(now.getTime() + 3 * DAY);
    const created = await ensureDeliveryPartitions(client, later);
    expect(created).toEqual([1, 2, 3].map((extra) => dayPartition(new Date(now.getTime() + (PARTITION_DAYS_AHEAD + extra) * DAY)).name));
    expect(await ensureDeliveryPartitions(client, later)).toEqual([]);
    const names = (await listDayPartitions(client)).map((partition) => partition.name);
    for (let ahead = 0; ahead <= PARTITION_DAYS_AHEAD + 3; ahead += 1) expect(names).toContain(dayPartition(new Date(now.getTime() + ahead * DAY)).name);
  });

  it("moves deliveries that landed in the default partition into their day's new partition, keeping ids and keys", async () => {
    const stray = await store("stray", new Date("2031-05-04T12:00:00Z"), "PENDING");
    expect(await partitionOf("stray")).toBe("webhook_deliveries_default");

    expect(await ensureDeliveryPartitions(client, now)).toEqual(["webhook_deliveries_20310504"]);
    expect(await partitionOf("stray")).toBe("webhook_deliveries_20310504");
    expect(await getDb().webhookDelivery.findUnique({ where: { id: stray.id } })).toMatchObject({ deliveryId: "stray", status: "PENDING" });
    const again = await acceptDelivery(getDb(), { source: "GITHUB", deliveryId: "stray", event: "push", orderingKey: null, headers: {}, body: "{}" });
    expect(again.status).toBe("duplicate");
  });

  it("gives the turn to one process at a time", async () => {
    const other = new pg.Client({ connectionString: databaseUrl() });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock($1)", [(0x5348_4950_5041_5254n).toString()]);
      expect(await upkeepDeliveryPartitions({ retentionDays: 30, log: collect().log })).toBeNull();
    } finally {
      await other.end();
    }
    expect(await upkeepDeliveryPartitions({ retentionDays: 30, log: collect().log })).toMatchObject({ dropped: [], kept: [], busy: [] });
  });
});

describe("retention", () => {
  beforeEach(async () => {
    await store("finished-40", daysAgo(40), "PROCESSED");
    await store("ignored-40", daysAgo(40), "IGNORED");
    await store("quarantined-45", daysAgo(45), "QUARANTINED");
    await store("finished-45", daysAgo(45), "PROCESSED");
    await store("recent-10", daysAgo(10), "PROCESSED");
    await ensureDeliveryPartitions(client, now);
  });

  it("drops only finished days older than the setting, and keeps a day holding a quarantined delivery, naming the setting and what holds it", async () => {
    const { lines, log } = collect();
    const result = await dropExpiredDeliveryPartitions(client, { retentionDays: 30, now, log });

    expect(result.dropped).toEqual([dayPartition(daysAgo(40)).name]);
    expect(result.kept).toEqual([{ name: dayPartition(daysAgo(45)).name, unfinished: { QUARANTINED: 1 } }]);
    const left = await getDb().webhookDelivery.findMany({ orderBy: { deliveryId: "asc" }, select: { deliveryId: true } });
    expect(left.map((row) => row.deliveryId)).toEqual(["finished-45", "quarantined-45", "recent-10"]);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`kept ${dayPartition(daysAgo(45)).name} .* past SHIPLOG_DELIVERY_RETENTION_DAYS=30: it holds 1 quarantined delivery`)));
    expect(lines).toContainEqual(expect.stringContaining(`dropped 1 day(s)`));

    // The dropped day's keys are gone with it; the kept day's stay.
    const keys = await getDb().webhookDeliveryKey.findMany({ orderBy: { deliveryId: "asc" }, select: { deliveryId: true } });
    expect(keys.map((key) => key.deliveryId)).toEqual(["finished-45", "quarantined-45", "recent-10"]);
  });

  it("drops the kept day once its delivery is finished", async () => {
    await getDb().webhookDelivery.updateMany({ where: { deliveryId: "quarantined-45" }, data: { status: "PROCESSED" } });
    const result = await dropExpiredDeliveryPartitions(client, { retentionDays: 30, now, log: collect().log });
    expect(result.dropped.sort()).toEqual([dayPartition(daysAgo(45)).name, dayPartition(daysAgo(40)).name].sort());
    expect(await getDb().webhookDelivery.count()).toBe(1);
  });

  it("leaves a day to the next run rather than hold up accepts while a transaction uses webhook_deliveries", async () => {
    const other = new pg.Client({ connectionString: databaseUrl() });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = 'recent-10'");
      const { lines, log } = collect();
      const result = await dropExpiredDeliveryPartitions(client, { retentionDays: 30, now, log });
      expect(result.busy).toEqual([dayPartition(daysAgo(40)).name]);
      expect(result.dropped).toEqual([]);
      expect(lines).toContainEqual(expect.stringContaining(`${dayPartition(daysAgo(40)).name} is past SHIPLOG_DELIVERY_RETENTION_DAYS=30 but webhook_deliveries stayed busy`));
    } finally {
      await other.end();
    }
    expect((await dropExpiredDeliveryPartitions(client, { retentionDays: 30, now, log: collect().log })).dropped).toEqual([dayPartition(daysAgo(40)).name]);
  });

  it("keeps everything when the setting is 0", async () => {
    expect(await dropExpiredDeliveryPartitions(client, { retentionDays: 0, now, log: collect().log })).toEqual({ dropped: [], kept: [], busy: [] });
    expect(await getDb().webhookDelivery.count()).toBe(5);
  });
});
