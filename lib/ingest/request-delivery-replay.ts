// The ingestion page's "replay" of one stored delivery: back in the queue (replayDelivery),
// unless it is not there, a worker holds it right now, or it already waits in the queue. A
// worker holds a delivery's row lock (FOR UPDATE) while it applies it, so a row that a
// SKIP LOCKED probe cannot lock but a plain read finds is being processed. The probe and the
// replay are two statements: a worker that takes the delivery in between finishes it, then
// the replay queues it again, which is harmless (applying a delivery twice changes nothing).
import { z } from "zod";
import { type Db, getDb } from "../db/client";
import type { DeliverySource, DeliveryStatus } from "../generated/prisma/enums";
import { strictQuery } from "../api/query-fields";
import { deliverySourceField } from "./list-deliveries";
import { replayDelivery } from "./replay-deliveries";

/** A stored delivery's id in a path: a positive whole number (bigint in the database). */
export const deliveryIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "must be a positive whole number (the delivery's `id`, not the sender's delivery id)")
    .transform((text) => BigInt(text))
    .refine((id) => id <= BigInt(Number.MAX_SAFE_INTEGER), "must be below 2^53"),
});

/** POST /api/v1/deliveries/replay: which source's failed deliveries to replay (all when absent). */
export const replayFailedQuery = z.strictObject(
  { source: deliverySourceField.optional().meta({ description: "Only this webhook source: argocd, github or build." }) },
  strictQuery,
);

export const replayedDeliverySchema = z
  .object({
    id: z.number().int(),
    source: z.enum(["ARGOCD", "GITHUB", "BUILD"]),
    deliveryId: z.string(),
    event: z.string(),
    previousStatus: z.enum(["PENDING", "PROCESSED", "IGNORED", "FAILED", "QUARANTINED"]),
    status: z.literal("PENDING").meta({ description: "Back in the queue: the worker applies it next." }),
  })
  .meta({ id: "ReplayedDelivery" });

export type ReplayedDelivery = z.output<typeof replayedDeliverySchema>;

export type ReplayRequestOutcome =
  | { kind: "replayed"; delivery: ReplayedDelivery }
  | { kind: "not_found" }
  /** A worker is applying it at this moment; its outcome decides whether a replay is needed. */
  | { kind: "processing" }
  /** Already PENDING and never tried since: the worker takes it without a replay. */
  | { kind: "queued" };

export async function requestDeliveryReplay(id: bigint, db: Db = getDb()): Promise<ReplayRequestOutcome> {
  const probe = await db.$transaction(async (tx) => {
    const [free] = await tx.$queryRaw<ProbeRow[]>`
      SELECT id, source::text AS source, delivery_id, event, status::text AS status, attempts FROM webhook_deliveries
      WHERE id = ${id} FOR UPDATE SKIP LOCKED`;
    if (free) return { locked: false, row: free } as const;
    const [held] = await tx.$queryRaw<ProbeRow[]>`
      SELECT id, source::text AS source, delivery_id, event, status::text AS status, attempts FROM webhook_deliveries WHERE id = ${id}`;
    return { locked: true, row: held } as const;
  });
  if (!probe.row) return { kind: "not_found" };
  if (probe.locked) return { kind: "processing" };
  if (probe.row.status === "PENDING" && probe.row.attempts === 0) return { kind: "queued" };

  const replayed = await replayDelivery(id, db);
  if (!replayed) return { kind: "not_found" };
  return {
    kind: "replayed",
    delivery: {
      id: Number(probe.row.id),
      source: probe.row.source,
      deliveryId: probe.row.delivery_id,
      event: probe.row.event,
      previousStatus: probe.row.status,
      status: "PENDING",
    },
  };
}

type ProbeRow = { id: bigint; source: DeliverySource; delivery_id: string; event: string; status: DeliveryStatus; attempts: number };
