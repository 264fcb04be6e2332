// Several due deliveries applied in one transaction (applyDeliveries), and what happens to the
// batch when one of them fails: it is retried or quarantined exactly as when applied alone, and
// the others are processed all the same.
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { DEPLOYMENT_CHANNEL, parseDeploymentIds } from "@/lib/deployments/notify-deployments-changed";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { type ApplyOptions, applyDeliveries } from "@/lib/ingest/queue/apply-delivery";
import type { StoredDelivery } from "@/lib/ingest/handlers/delivery-handler";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, githubFixture, insertDelivery, type Json, quietLog, resetAll, POISON_MESSAGE, pushOfOneCommit } from "../../../support/deliveries";

const db = getDb();
const newBranch = await githubFixture("push/with-new-branch.payload.json");

const pushOf = (repository: string, index: number, message = `change ${repository} ${index}`): Json => pushOfOneCommit(newBranch, repository, index, message);

const retry = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 };
const options = (extra: Partial<ApplyOptions> = {}): ApplyOptions => ({ retry, log: quietLog(), transactionTimeoutMs: 60_000, ...extra });
const insertPush = async (repository: string, message?: string) =>
  (await insertDelivery({ source: "GITHUB", event: "push", body: pushOf(repository, 0, message) })).id;
const rows = (ids: bigint[]) =>
  db.$queryRaw<{ id: bigint; status: string; attempts: number; xmin: string }[]>`
    SELECT id, status::text, attempts, xmin::text FROM webhook_deliveries WHERE id = ANY(${ids.map(String)}::bigint[]) ORDER BY id`;
const commitMessages = async () => (await db.commit.findMany({ orderBy: { message: "asc" } })).map((commit) => commit.message);

beforeEach(() => resetAll());

describe("applyDeliveries", () => {
  it("applies deliveries of different keys in one transaction, each marked processed", async () => {
    const ids = [await insertPush("acme/a"), await insertPush("acme/b"), await insertPush("acme/c")];
    const results = await applyDeliveries(db, new FleetDirectory(), ids, options());
    expect(results.map((result) => result.kind)).toEqual(["PROCESSED", "PROCESSED", "PROCESSED"]);
    const stored = await rows(ids);
    expect(stored.map((row) => [row.status, row.attempts])).toEqual([["PROCESSED", 1], ["PROCESSED", 1], ["PROCESSED", 1]]);
    // One transaction wrote all three status updates.
    expect(new Set(stored.map((row) => row.xmin)).size).toBe(1);
    expect(await commitMessages()).toEqual(["change acme/a 0", "change acme/b 0", "change acme/c 0"]);
  });

  it("a delivery the database refuses fails alone: set aside with its writes rolled back, the others processed", async () => {
    const good = await insertPush("acme/a");
    const poison = await insertPush("acme/b", POISON_MESSAGE);
    const alsoGood = await insertPush("acme/c");
    const results = await applyDeliveries(db, new FleetDirectory(), [good, poison, alsoGood], options());
    // A NUL in text fails the same way on every retry (SQLSTATE 22021): quarantined at once.
    expect(results.map((result) => result.kind)).toEqual(["PROCESSED", "QUARANTINED", "PROCESSED"]);
    expect((await rows([good, poison, alsoGood])).map((row) => [row.status, row.attempts])).toEqual([
      ["PROCESSED", 1],
      ["QUARANTINED", 1],
      ["PROCESSED", 1],
    ]);
    const failed = await db.webhookDelivery.findUniqueOrThrow({ where: { id: poison } });
    expect(failed.lastError).toBe('database error 22021: invalid byte sequence for encoding "UTF8": 0x00');
    expect(await commitMessages()).toEqual(["change acme/a 0", "change acme/c 0"]);
  });

  it("an invalid payload in a batch is quarantined at once and the rest processed", async () => {
    const broken = pushOf("acme/b", 0);
    broken.commits[0].id = "not-a-sha";
    const invalid = (await insertDelivery({ source: "GITHUB", event: "push", body: broken })).id;
    const good = await insertPush("acme/a");
    await applyDeliveries(db, new FleetDirectory(), [invalid, good], options());
    expect((await rows([invalid, good])).map((row) => [row.status, row.attempts])).toEqual([
      ["QUARANTINED", 1],
      ["PROCESSED", 1],
    ]);
  });

  it("announces each delivery once, even when the batch falls back to one transaction each", async () => {
    const ids = [await insertPush("acme/a"), await insertPush("acme/b", POISON_MESSAGE), await insertPush("acme/c")];
    const announced: bigint[] = [];
    await applyDeliveries(db, new FleetDirectory(), ids, options({ onApplying: (delivery: StoredDelivery) => announced.push(delivery.id) }));
    expect(announced.sort()).toEqual([...ids].sort());
  });

  it("tells open timelines of every deployment the batch wrote in one notification, at commit", async () => {
    const app = await argocdFixture();
    const ids: bigint[] = [];
    for (const name of ["billing-prod", "billing-staging", "search-prod"]) {
      const copy = structuredClone(app);
      copy.metadata.name = name;
      copy.metadata.uid = `uid-${name}`;
      ids.push((await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(copy) })).id);
    }
    const listener = new pg.Client({ connectionString: databaseUrl() });
    await listener.connect();
    try {
      const payloads: string[] = [];
      listener.on("notification", (message) => payloads.push(message.payload ?? ""));
      await listener.query(`LISTEN ${DEPLOYMENT_CHANNEL}`);
      const results = await applyDeliveries(db, new FleetDirectory(), ids, options());
      expect(results.map((result) => result.kind)).toEqual(["PROCESSED", "PROCESSED", "PROCESSED"]);
      await listener.query("SELECT 1");
      const deployments = await db.deployment.findMany({ select: { id: true } });
      expect(deployments).toHaveLength(3);
      expect(payloads).toHaveLength(1);
      expect(parseDeploymentIds(payloads[0]).sort()).toEqual(deployments.map((deployment) => deployment.id).sort());
    } finally {
      await listener.end();
    }
  });

  it("skips a delivery that is no longer due", async () => {
    const done = await insertPush("acme/a");
    await db.$executeRaw`UPDATE webhook_deliveries SET status = 'PROCESSED' WHERE id = ${done}`;
    const due = await insertPush("acme/b");
    const results = await applyDeliveries(db, new FleetDirectory(), [done, due], options());
    expect(results.map((result) => result.kind).sort()).toEqual(["PROCESSED", "SKIPPED"]);
  });
});

describe("the worker in batches", () => {
  it("drains many keys to the same model whatever the batch size", async () => {
    for (const batchSize of [1, 4, 25]) {
      await resetAll();
      for (let index = 0; index < 3; index += 1) {
        for (const key of ["acme/a", "acme/b", "acme/c", "acme/d", "acme/e"]) {
          await insertDelivery({ source: "GITHUB", event: "push", body: pushOf(key, index) });
        }
      }
      const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), concurrency: 2, batchSize });
      expect(summary).toEqual({ processed: 15, ignored: 0, failed: 0, quarantined: 0 });
      expect(await db.commit.count()).toBe(15);
    }
  });
});
