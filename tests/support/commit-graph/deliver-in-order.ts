// Feeds deliveries through the worker's own processing path in exactly the order given: stored
// in webhook_deliveries as the accept path stores them (raw body, delivery id, ordering key),
// received one millisecond apart, then applied by applyDeliveries (lib/ingest/queue/apply-delivery.ts)
// in batches of the worker's default size (or `batchSize`: 1 applies each delivery alone, the
// one-at-a-time path), which apply in received order. The worker's per-key
// scheduling (lib/ingest/queue/find-due-deliveries.ts) would interleave keys on its own; calling
// applyDeliveries directly keeps the order the test chose, which is the point of a permutation.
import { getDb } from "../../../lib/db/client";
import { FleetDirectory } from "../../../lib/fleet/fleet-directory";
import { applyDeliveries, type ApplyOptions } from "../../../lib/ingest/queue/apply-delivery";
import { quietLog } from "../deliveries";
import type { Delivery } from "./render-deliveries";

const BATCH_SIZE = 25;
const options: ApplyOptions = {
  // A failed delivery waits an hour: a run never retries it, and reports it instead.
  retry: { maxAttempts: 3, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000, jitter: 0 },
  log: quietLog(),
  transactionTimeoutMs: 60_000,
};

export type DeliveryFailure = { summary: string; status: string; error: string };

/**
 * Empties the deliveries and everything processing wrote, in one round trip. DELETE, not
 * TRUNCATE: on tables this small it is some ten times faster, and a property replays a history
 * a thousand times. Every table but the few that hold users, settings and migrations is
 * emptied, so a table the product adds is emptied too; foreign keys are not checked meanwhile
 * (session_replication_role), since every table that refers to another is emptied with it.
 */
export async function resetDatabase(): Promise<void> {
  await getDb().$executeRaw`
    DO $$
    DECLARE name text;
    BEGIN
      PERFORM set_config('session_replication_role', 'replica', true);
      FOR name IN
        SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
          AND tablename NOT IN ('_prisma_migrations', 'users', 'accounts', 'sessions', 'verifications', 'settings', 'webhook_tokens')
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = tablename)
      LOOP
        EXECUTE format('DELETE FROM %I', name);
      END LOOP;
    END $$`;
}

/** Stores and applies `deliveries` in order; returns those that failed, with their errors. */
export async function deliverInOrder(deliveries: Delivery[], batchSize = BATCH_SIZE): Promise<DeliveryFailure[]> {
  const db = getDb();
  const start = Date.now() - deliveries.length - 1_000;
  // An Argo CD delivery whose id is already stored is dropped by the key table, as at accept.
  await db.webhookDelivery.createMany({
    data: deliveries.map((delivery, index) => ({
      source: delivery.source,
      deliveryId: delivery.deliveryId,
      event: delivery.event,
      orderingKey: delivery.orderingKey,
      body: JSON.stringify(delivery.body),
      receivedAt: new Date(start + index),
    })),
  });
  const stored = await db.webhookDelivery.findMany({
    where: { status: "PENDING" },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    select: { id: true, source: true, deliveryId: true },
  });
  const summaries = new Map(deliveries.map((delivery) => [`${delivery.source} ${delivery.deliveryId}`, delivery.summary]));
  const directory = new FleetDirectory();
  const failures: DeliveryFailure[] = [];
  for (let index = 0; index < stored.length; index += batchSize) {
    const batch = stored.slice(index, index + batchSize);
    for (const result of await applyDeliveries(db, directory, batch.map((row) => row.id), options)) {
      if (result.kind === "FAILED" || result.kind === "QUARANTINED") {
        failures.push({
          summary: summaries.get(`${result.delivery.source} ${deliveryIdOf(batch, result.delivery.id)}`) ?? `delivery ${result.delivery.id}`,
          status: result.kind,
          error: result.error,
        });
      } else if (result.kind === "SKIPPED" || result.kind === "PAUSED") {
        failures.push({ summary: `a delivery of batch ${index / batchSize + 1}`, status: result.kind, error: "not applied" });
      }
    }
  }
  return failures;
}

const deliveryIdOf = (batch: { id: bigint; deliveryId: string }[], id: bigint) => batch.find((row) => row.id === id)?.deliveryId;
