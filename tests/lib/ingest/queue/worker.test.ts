// The worker as a queue: retries with backoff, quarantine, per-key order under concurrency,
// waking on NOTIFY, pausing for a rebuild.
import pg from "pg";
import { beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { type ApplyResult, REBUILD_LOCK_KEY } from "@/lib/ingest/queue/apply-delivery";
import type { StoredDelivery } from "@/lib/ingest/handlers/delivery-handler";
import { DELIVERY_CHANNEL } from "@/lib/ingest/queue/delivery-channel";
import { processPendingDeliveries, runWorker, type WorkerOptions } from "@/lib/ingest/queue/worker";
import { deliveries, githubFixture, insertDelivery, type Json, quietLog, resetAll, POISON_MESSAGE, pushOfOneCommit } from "../../../support/deliveries";

const db = getDb();
const newBranch = await githubFixture("push/with-new-branch.payload.json");

const pushOf = (repository: string, index: number, message = `change ${index}`): Json => pushOfOneCommit(newBranch, repository, index, message);

// A commit message the trigger below refuses while it exists: a failure a retry may cure.
const TRANSIENT = "fix flaky dependency";

/** Until the returned function runs, storing a commit whose message is TRANSIENT fails (SQLSTATE 55000). */
async function failTransientCommits(): Promise<() => Promise<void>> {
  await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION test_refuse_transient() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the commit store is unavailable' USING ERRCODE = '55000'; END $$`);
  await db.$executeRawUnsafe(`CREATE TRIGGER test_refuse_transient BEFORE INSERT OR UPDATE ON commits FOR EACH ROW
    WHEN (NEW.message = '${TRANSIENT}') EXECUTE FUNCTION test_refuse_transient()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_transient ON commits`);
  };
}

const drain = (options: WorkerOptions & { concurrency?: number; limit?: number } = {}) =>
  processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), ...options });
const row = (id: bigint) => db.webhookDelivery.findUniqueOrThrow({ where: { id } });
const makeDue = (id: bigint) => db.$executeRaw`UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE id = ${id}`;
const dbNow = async () => (await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`)[0]!.now;

beforeEach(() => resetAll());

describe("a delivery that keeps failing", () => {
  const retry = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 3_000, jitter: 0 };

  it("is retried with exponential backoff, holding back its key, then quarantined and no longer holding it back", async () => {
    const restore = await failTransientCommits();
    onTestFinished(restore);
    const poison = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 0, TRANSIENT) });
    const after = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 1) });
    const elsewhere = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/web", 0) });

    const delays: number[] = [];
    for (const attempt of [1, 2, 3]) {
      if (attempt > 1) await makeDue(poison.id);
      const before = await dbNow();
      const summary = await drain({ retry });
      expect(summary.failed).toBe(1);
      const failed = await row(poison.id);
      expect(failed).toMatchObject({ status: "FAILED", attempts: attempt, processedAt: null });
      expect(failed.lastError).toBe("database error 55000: the commit store is unavailable");
      delays.push(failed.nextAttemptAt.getTime() - before.getTime());
      // The delivery received after it, on the same key, waits: it must not overtake.
      expect(await row(after.id)).toMatchObject({ status: "PENDING", attempts: 0 });
    }
    // 1 s, 2 s, then the 3 s cap (plus the time the attempt took).
    expect(delays.map((delay) => Math.floor(delay / 1000))).toEqual([1, 2, 3]);
    expect(await row(elsewhere.id)).toMatchObject({ status: "PROCESSED" });

    // Not due yet: nothing happens.
    expect(await drain({ retry })).toEqual({ processed: 0, ignored: 0, failed: 0, quarantined: 0 });

    await makeDue(poison.id);
    const last = await drain({ retry });
    expect(last).toEqual({ processed: 1, ignored: 0, failed: 0, quarantined: 1 });
    expect(await row(poison.id)).toMatchObject({ status: "QUARANTINED", attempts: 4, processedAt: null });
    expect(await row(after.id)).toMatchObject({ status: "PROCESSED", attempts: 1, lastError: null });
    // The poison's writes were rolled back; the next delivery's commit is there.
    expect((await db.commit.findMany()).map((commit) => commit.message).sort()).toEqual(["change 0", "change 1"]);
  });

  it("a value PostgreSQL refuses (a NUL character) is quarantined at once, and its key moves on", async () => {
    const poison = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 0, POISON_MESSAGE) });
    const after = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 1) });
    const summary = await drain({ retry });
    expect(summary).toEqual({ processed: 1, ignored: 0, failed: 0, quarantined: 1 });
    expect(await row(poison.id)).toMatchObject({
      status: "QUARANTINED",
      attempts: 1,
      lastError: 'database error 22021: invalid byte sequence for encoding "UTF8": 0x00',
    });
    expect(await row(after.id)).toMatchObject({ status: "PROCESSED", attempts: 1 });
  });

  it("an invalid payload is quarantined at once: retrying cannot help", async () => {
    const broken = pushOf("acme/api", 0);
    broken.commits[0].id = "not-a-sha";
    const invalid = await insertDelivery({ source: "GITHUB", event: "push", body: broken });
    const after = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 1) });
    await drain({ retry });
    expect(await row(invalid.id)).toMatchObject({
      status: "QUARANTINED",
      attempts: 1,
      lastError: "invalid push payload: commits.0.id: must be a full 40-character commit SHA",
    });
    expect(await row(after.id)).toMatchObject({ status: "PROCESSED" });
  });
});

describe("ordering per key", () => {
  it("with four slots: each key's deliveries in one transaction at a time, in received order; keys in parallel", async () => {
    const keys = ["acme/a", "acme/b", "acme/c", "acme/d", "acme/e", "acme/f"];
    const received = new Map<string, bigint[]>();
    // Interleaved arrival, as a busy fleet sends them.
    for (let index = 0; index < 8; index += 1) {
      for (const key of keys) {
        const delivery = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf(key, index) });
        received.set(key, [...(received.get(key) ?? []), delivery.id]);
      }
    }
    const applied = new Map<string, bigint[]>();
    // A batch's deliveries are announced together, in one synchronous run: they share a transaction.
    let transaction: object | undefined;
    const inFlight = new Map<string, { count: number; transaction: object }>();
    let concurrent = 0;
    let mostConcurrent = 0;
    const violations: string[] = [];
    const summary = await drain({
      concurrency: 4,
      onApplying: (delivery: StoredDelivery) => {
        if (!transaction) {
          transaction = {};
          queueMicrotask(() => (transaction = undefined));
        }
        const key = delivery.orderingKey!;
        const current = inFlight.get(key);
        if (current && current.count > 0 && current.transaction !== transaction) violations.push(`${key}: ${delivery.id} while another transaction held the key`);
        inFlight.set(key, { count: (current?.transaction === transaction ? current.count : 0) + 1, transaction });
        concurrent += 1;
        mostConcurrent = Math.max(mostConcurrent, concurrent);
      },
      onApplied: (result: ApplyResult) => {
        if (!("delivery" in result)) return;
        const key = result.delivery.orderingKey!;
        inFlight.get(key)!.count -= 1;
        concurrent -= 1;
        applied.set(key, [...(applied.get(key) ?? []), result.delivery.id]);
      },
    });
    expect(summary).toEqual({ processed: 48, ignored: 0, failed: 0, quarantined: 0 });
    expect(violations).toEqual([]);
    expect(Object.fromEntries(applied)).toEqual(Object.fromEntries(received));
    expect(mostConcurrent).toBeGreaterThan(1);
  });

  it("with four slots, a failing delivery holds back only its own key", async () => {
    onTestFinished(await failTransientCommits());
    const ids: Record<string, bigint[]> = { "acme/a": [], "acme/b": [] };
    for (let index = 0; index < 5; index += 1) {
      for (const key of Object.keys(ids)) {
        const poisoned = key === "acme/a" && index === 2;
        ids[key]!.push((await insertDelivery({ source: "GITHUB", event: "push", body: pushOf(key, index, poisoned ? TRANSIENT : undefined) })).id);
      }
    }
    await drain({ concurrency: 4, retry: { maxAttempts: 2, baseDelayMs: 60_000, jitter: 0 } });
    const status = async (key: string) => Promise.all(ids[key]!.map(async (id) => (await row(id)).status));
    expect(await status("acme/a")).toEqual(["PROCESSED", "PROCESSED", "FAILED", "PENDING", "PENDING"]);
    expect(await status("acme/b")).toEqual(["PROCESSED", "PROCESSED", "PROCESSED", "PROCESSED", "PROCESSED"]);

    await makeDue(ids["acme/a"]![2]!);
    await drain({ concurrency: 4, retry: { maxAttempts: 2, baseDelayMs: 60_000, jitter: 0 } });
    expect(await status("acme/a")).toEqual(["PROCESSED", "PROCESSED", "QUARANTINED", "PROCESSED", "PROCESSED"]);
  });

  it("a key's deliveries waiting in order are applied together, in one transaction, in received order", async () => {
    const api = [];
    for (let index = 0; index < 5; index += 1) api.push((await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", index) })).id);
    const web = (await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/web", 0) })).id;
    const transactions: bigint[][] = [];
    let current: bigint[] | undefined;
    const summary = await drain({
      onApplying: (delivery: StoredDelivery) => {
        // Deliveries announced in one synchronous run were locked by one transaction.
        if (!current) {
          current = [];
          transactions.push(current);
          queueMicrotask(() => (current = undefined));
        }
        current.push(delivery.id);
      },
    });
    expect(summary).toMatchObject({ processed: 6, failed: 0 });
    // Locked (and applied) oldest first.
    expect(transactions).toEqual([[...api, web]]);
  });

  it("a key whose oldest delivery another worker holds is left alone until that one is done", async () => {
    const api = [];
    for (let index = 0; index < 3; index += 1) api.push((await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", index) })).id);
    const web = (await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/web", 0) })).id;
    // Another worker process has locked acme/api's oldest delivery and is still applying it.
    const other = new pg.Client({ connectionString: databaseUrl() });
    await other.connect();
    onTestFinished(() => other.end());
    await other.query("BEGIN");
    await other.query("SELECT id FROM webhook_deliveries WHERE id = $1 FOR UPDATE", [api[0]!.toString()]);
    expect(await drain({ concurrency: 2 })).toMatchObject({ processed: 1 });
    expect((await row(web)).status).toBe("PROCESSED");
    for (const id of api) expect(await row(id)).toMatchObject({ status: "PENDING", attempts: 0 });
    await other.query("ROLLBACK");
    expect(await drain({ concurrency: 2 })).toMatchObject({ processed: 3 });
    for (const id of api) expect((await row(id)).status).toBe("PROCESSED");
  });

  it("deliveries without an ordering key are each their own key", async () => {
    const ping = await githubFixture("ping/with-organization.payload.json");
    await insertDelivery({ source: "GITHUB", event: "ping", body: ping, orderingKey: null });
    await insertDelivery({ source: "GITHUB", event: "ping", body: ping, orderingKey: null });
    expect(await drain({ concurrency: 2 })).toMatchObject({ ignored: 2 });
  });

  it("a limit bounds how many deliveries one drain applies", async () => {
    for (let index = 0; index < 5; index += 1) await insertDelivery({ source: "GITHUB", event: "push", body: pushOf(`acme/${index}`, 0) });
    expect(await drain({ concurrency: 3, limit: 2 })).toMatchObject({ processed: 2 });
    expect(await drain({ limit: 10 })).toMatchObject({ processed: 3 });
  });
});

describe("runWorker", () => {
  it("wakes on NOTIFY rather than waiting for its next poll, and stops when aborted", async () => {
    const controller = new AbortController();
    const log = quietLog();
    const running = runWorker({ signal: controller.signal, concurrency: 2, pollIntervalMs: 60_000, log, directory: new FleetDirectory() });
    // Let the first (empty) poll pass and the listener connect.
    await waitFor(async () => log.lines.some((line) => line.includes("started")));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const delivery = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 0) });
    await db.$executeRaw`SELECT pg_notify(${DELIVERY_CHANNEL}, '')`;
    await waitFor(async () => (await row(delivery.id)).status === "PROCESSED", 5_000);

    controller.abort();
    await running;
    expect(log.lines.at(-1)).toBe("[worker] stopped");
  });

  it("polls when nobody notifies", async () => {
    const controller = new AbortController();
    const running = runWorker({ signal: controller.signal, pollIntervalMs: 100, listen: false, log: quietLog(), directory: new FleetDirectory() });
    const delivery = await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 0) });
    await waitFor(async () => (await row(delivery.id)).status === "PROCESSED", 5_000);
    controller.abort();
    await running;
  });
});

describe("during a rebuild", () => {
  it("processes nothing until the rebuild releases its lock", async () => {
    const session = new pg.Client({ connectionString: databaseUrl() });
    await session.connect();
    try {
      await session.query("SELECT pg_advisory_lock($1)", [REBUILD_LOCK_KEY.toString()]);
      await insertDelivery({ source: "GITHUB", event: "push", body: pushOf("acme/api", 0) });
      expect(await drain()).toEqual({ processed: 0, ignored: 0, failed: 0, quarantined: 0 });
      expect((await deliveries())[0]).toMatchObject({ status: "PENDING", attempts: 0 });
      await session.query("SELECT pg_advisory_unlock($1)", [REBUILD_LOCK_KEY.toString()]);
      expect(await drain()).toMatchObject({ processed: 1 });
    } finally {
      await session.end();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
