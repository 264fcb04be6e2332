// Stores one authenticated, parsed delivery exactly once and says whether it was new. This is
// the whole of the accept path's work: processing happens later, from webhook_deliveries rows
// with status PENDING, so nothing here can fail after the row is written. Each outcome is counted
// in shiplog_deliveries_stored_total (docs/observability.md).
import pg from "pg";
import type { DbOrTx } from "../../db/client";
import type { DeliverySource } from "../../generated/prisma/enums";
import { AppError } from "../../http/app-error";
import { metrics } from "../../observability/metrics-registry";
import { DATABASE_DEADLINE_MS, withDatabaseDeadline } from "./with-database-deadline";
import { DELIVERY_CHANNEL } from "../queue/delivery-channel";

export type NewDelivery = {
  source: DeliverySource;
  /** Idempotency key: unique per source. */
  deliveryId: string;
  event: string;
  /** Deliveries with the same key are processed in order; null when the payload names none. */
  orderingKey: string | null;
  headers: Record<string, string>;
  /** The body exactly as received (UTF-8 text of the signed bytes). */
  body: string;
  /**
   * The sender chose deliveryId (Idempotency-Key): the same id with another body is a client
   * error (409), not a duplicate to drop silently.
   */
  senderChosenId?: boolean;
  /**
   * SHA-256 of the signed bytes, where the signature does not cover deliveryId (GitHub): a body
   * already stored under another id is a duplicate too, so a captured delivery replayed under
   * fresh ids is stored once.
   */
  bodySha256?: Buffer;
};

export type AcceptOutcome = {
  status: "accepted" | "duplicate";
  deliveryId: string;
  /** A duplicate by body: the delivery id the body is stored under. */
  duplicateOf?: string;
};

/**
 * Where deliveries are stored: the accept path's pg pool (deliveryPool(), the fast path), or a
 * Prisma client or transaction. Both run the same two statements below.
 */
export type DeliveryStore = pg.Pool | Pick<DbOrTx, "$queryRawUnsafe">;

// webhook_deliveries' insert trigger claims (source, delivery_id), and (source, body_sha256) when
// set, in webhook_delivery_keys and stores nothing when either is taken (the table is
// partitioned, so no unique index can span it): concurrent copies of one delivery leave one row,
// and exactly one of them sees count 1.
// The same statement wakes the workers (NOTIFY is delivered at commit, only when a row was
// stored), so waking costs no extra trip.
const INSERT_DELIVERY = `
  WITH inserted AS (
    INSERT INTO webhook_deliveries (source, delivery_id, event, ordering_key, headers, body, body_sha256)
    VALUES ($1::"DeliverySource", $2, $3, $4, $5::jsonb, $6, $8::bytea)
    RETURNING id
  )
  SELECT count(*)::int AS count, (SELECT pg_notify($7, '') WHERE EXISTS (SELECT 1 FROM inserted)) IS NOT NULL AS notified
  FROM inserted`;

// Which claim stopped it, read after the insert (whose snapshot may predate a concurrent copy's).
const CLAIMED_BY = `
  SELECT delivery_id, delivery_id = $2 AS same_id FROM webhook_delivery_keys
  WHERE source = $1::"DeliverySource" AND (delivery_id = $2 OR body_sha256 = $3::bytea)
  ORDER BY same_id DESC LIMIT 1`;

// Through the key: it names the partition (received_at) the stored delivery is in.
const STORED_BODY = `
  SELECT d.body FROM webhook_delivery_keys k
  JOIN webhook_deliveries d ON d.id = k.webhook_delivery_id AND d.received_at = k.received_at
  WHERE k.source = $1::"DeliverySource" AND k.delivery_id = $2`;

export async function acceptDelivery(store: DeliveryStore, delivery: NewDelivery): Promise<AcceptOutcome> {
  const { source, deliveryId, event, orderingKey, headers, body, bodySha256 = null } = delivery;
  const rows = await withDatabaseDeadline(
    query<{ count: number }>(store, INSERT_DELIVERY, [source, deliveryId, event, orderingKey, JSON.stringify(headers), body, DELIVERY_CHANNEL, bodySha256]),
    deadlineFor(body),
  );
  if (rows[0]?.count === 1) {
    metrics().deliveriesStored.inc({ source, outcome: "accepted" });
    return { status: "accepted", deliveryId };
  }

  if (bodySha256) {
    const [claim] = await withDatabaseDeadline(query<{ delivery_id: string; same_id: boolean }>(store, CLAIMED_BY, [source, deliveryId, bodySha256]));
    if (claim && !claim.same_id) return { status: "duplicate", deliveryId, duplicateOf: claim.delivery_id };
  }

  if (delivery.senderChosenId) {
    const stored = await withDatabaseDeadline(query<{ body: string }>(store, STORED_BODY, [source, deliveryId]));
    if (stored[0] && stored[0].body !== body) {
      throw new AppError("conflict", `Idempotency-Key "${deliveryId}" was already used for a different body; use a new key for a new report.`);
    }
  }
  metrics().deliveriesStored.inc({ source, outcome: "duplicate" });
  return { status: "duplicate", deliveryId };
}

// The statements are constants with bound parameters; $queryRawUnsafe is only the way Prisma
// takes such a text, nothing is concatenated into it.
async function query<Row>(store: DeliveryStore, sql: string, values: unknown[]): Promise<Row[]> {
  if (store instanceof pg.Pool) return (await store.query(sql, values)).rows as Row[];
  return store.$queryRawUnsafe<Row[]>(sql, ...values);
}

/** Answer for an outcome: 202 for a new delivery, 200 for one already stored. */
export function deliveryResponse(outcome: AcceptOutcome): Response {
  return Response.json(outcome, { status: outcome.status === "accepted" ? 202 : 200, headers: { "Cache-Control": "no-store" } });
}

// Large bodies take longer to send to the database; allow 200 ms more per MiB so a slow link
// is not mistaken for an outage (25 MiB from GitHub: 6.5 s, inside GitHub's 10 s timeout).
function deadlineFor(body: string): number {
  return DATABASE_DEADLINE_MS + Math.floor(Buffer.byteLength(body) / (1024 * 1024)) * 200;
}
