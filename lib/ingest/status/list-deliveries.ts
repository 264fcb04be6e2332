// Deliveries that did not make it, newest first, a keyset page at a time: the list behind the
// ingestion page's "failed deliveries" and GET /api/v1/deliveries. Failed ones wait for their
// retry, quarantined ones were set aside; both are rare, and both are found through the
// (status, next_attempt_at) index, so a page costs the failed rows, not the whole table.
// Never a body or a header: the error, the event and the ids are what an operator acts on.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../../api/keyset-cursor";
import { limitField, strictQuery } from "../../api/query-fields";
import { getDb, type DbOrTx } from "../../db/client";
import { Prisma } from "../../generated/prisma/client";
import { DeliverySource } from "../../generated/prisma/enums";

/** A last_error is a message, not a log: longer ones are cut. */
export const MAX_LISTED_ERROR_LENGTH = 1000;

/** The sources as they appear in URLs (the webhook paths): argocd, github, build, deployer, gitlab, flux. */
export const deliverySourceField = z
  .enum(["argocd", "github", "build", "deployer", "gitlab", "flux"], { error: "must be one of argocd, github, build, deployer, gitlab, flux" })
  .transform((name) => name.toUpperCase() as DeliverySource);

/** `failed`: both kinds below; `retrying`: failed and waiting for the worker's next attempt; `quarantined`: set aside. */
const STATUSES = { failed: ["FAILED", "QUARANTINED"], retrying: ["FAILED"], quarantined: ["QUARANTINED"] } as const;

const deliveryKey = z.tuple([z.iso.datetime(), z.number().int().positive()]).transform(([receivedAt, id]) => ({ receivedAt: new Date(receivedAt), id }));

export const listDeliveriesQuery = z.strictObject(
  {
    status: z
      .enum(["failed", "retrying", "quarantined"], { error: "must be one of failed, retrying, quarantined" })
      .default("failed")
      .meta({ description: "`failed` (default): retrying or quarantined; `retrying`: waiting for the worker's next attempt; `quarantined`: set aside after its last attempt." }),
    source: deliverySourceField.optional().meta({ description: "Only this webhook source: argocd, github, build or deployer." }),
    limit: limitField(25, 200),
    cursor: keysetCursor(deliveryKey).optional(),
  },
  strictQuery,
);

export type ListDeliveriesOptions = Partial<z.output<typeof listDeliveriesQuery>>;

export const failedDeliverySchema = z
  .object({
    id: z.number().int().meta({ description: "Shiplog's id of the stored delivery (the one to replay)." }),
    source: z.enum(DeliverySource),
    deliveryId: z.string().meta({ description: "The sender's delivery id (GitHub's GUID, the derived Argo CD id, the build's Idempotency-Key)." }),
    event: z.string(),
    orderingKey: z.string().nullable(),
    status: z.enum(["FAILED", "QUARANTINED"]),
    attempts: z.number().int(),
    receivedAt: z.date(),
    nextAttemptAt: z.date().nullable().meta({ description: "When the worker tries a failed delivery again; null once quarantined." }),
    lastError: z.string().nullable().meta({ description: `The processing error, at most ${MAX_LISTED_ERROR_LENGTH} characters.` }),
  })
  .meta({ id: "FailedDelivery", description: "A stored delivery whose processing failed." });

export type FailedDelivery = z.output<typeof failedDeliverySchema>;

export const failedDeliveryPageSchema = z
  .object({
    items: z.array(failedDeliverySchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "FailedDeliveryPage" });

export type FailedDeliveryPage = z.output<typeof failedDeliveryPageSchema>;

export async function listDeliveries(options: ListDeliveriesOptions = {}, db: DbOrTx = getDb()): Promise<FailedDeliveryPage> {
  const limit = options.limit ?? 25;
  const statuses = [...STATUSES[options.status ?? "failed"]];
  const where: Prisma.Sql[] = [Prisma.sql`status = ANY(${statuses}::"DeliveryStatus"[])`];
  if (options.source) where.push(Prisma.sql`source = ${options.source}::"DeliverySource"`);
  if (options.cursor) where.push(Prisma.sql`(received_at, id) < (${options.cursor.receivedAt}, ${options.cursor.id})`);

  const rows = await db.$queryRaw<DeliveryRow[]>`
    SELECT id, source::text AS source, delivery_id, event, ordering_key, status::text AS status, attempts, received_at, next_attempt_at,
      left(last_error, ${MAX_LISTED_ERROR_LENGTH}) AS last_error
    FROM webhook_deliveries
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY received_at DESC, id DESC
    LIMIT ${limit + 1}`;

  const items = rows.slice(0, limit).map(
    (row): FailedDelivery => ({
      // Delivery ids are bigint in the database and far below 2^53 in practice.
      id: Number(row.id),
      source: row.source,
      deliveryId: row.delivery_id,
      event: row.event,
      orderingKey: row.ordering_key,
      status: row.status,
      attempts: row.attempts,
      receivedAt: row.received_at,
      nextAttemptAt: row.status === "FAILED" ? row.next_attempt_at : null,
      lastError: row.last_error,
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.receivedAt.toISOString(), last.id]) : null };
}

type DeliveryRow = {
  id: bigint;
  source: DeliverySource;
  delivery_id: string;
  event: string;
  ordering_key: string | null;
  status: "FAILED" | "QUARANTINED";
  attempts: number;
  received_at: Date;
  next_attempt_at: Date;
  last_error: string | null;
};
