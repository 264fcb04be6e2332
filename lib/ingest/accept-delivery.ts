// Stores one authenticated, parsed delivery exactly once and says whether it was new. This is
// the whole of the accept path's work: processing happens later, from webhook_deliveries rows
// with status PENDING, so nothing here can fail after the row is written.
import type { DbOrTx } from "../db/client";
import type { DeliverySource } from "../generated/prisma/enums";
import { AppError } from "../http/app-error";
import { DATABASE_DEADLINE_MS, withDatabaseDeadline } from "./with-database-deadline";
import { DELIVERY_CHANNEL } from "./worker";

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
};

export type AcceptOutcome = { status: "accepted" | "duplicate"; deliveryId: string };

export async function acceptDelivery(db: Pick<DbOrTx, "webhookDelivery" | "$executeRaw">, delivery: NewDelivery): Promise<AcceptOutcome> {
  const { source, deliveryId, event, orderingKey, headers, body } = delivery;
  // INSERT … ON CONFLICT (source, delivery_id) DO NOTHING: concurrent copies of one delivery
  // leave one row, and exactly one of them sees count 1.
  const { count } = await withDatabaseDeadline(
    db.webhookDelivery.createMany({
      data: [{ source, deliveryId, event, orderingKey, headers, body }],
      skipDuplicates: true,
    }),
    deadlineFor(body),
  );
  if (count === 1) {
    // Wake the workers now rather than at their next poll. Only a hint: the row is stored, so
    // neither a failure nor the wait may change the answer.
    db.$executeRaw`SELECT pg_notify(${DELIVERY_CHANNEL}, '')`.catch((error: unknown) => {
      console.warn(`[ingest] could not notify workers of delivery ${deliveryId}; they will find it at their next poll:`, error);
    });
    return { status: "accepted", deliveryId };
  }

  if (delivery.senderChosenId) {
    const stored = await withDatabaseDeadline(
      db.webhookDelivery.findUnique({ where: { source_deliveryId: { source, deliveryId } }, select: { body: true } }),
    );
    if (stored && stored.body !== body) {
      throw new AppError("conflict", `Idempotency-Key "${deliveryId}" was already used for a different body; use a new key for a new report.`);
    }
  }
  return { status: "duplicate", deliveryId };
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
