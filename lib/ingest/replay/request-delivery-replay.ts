// The ingestion page's "replay" of one stored delivery: back in the queue (replayDelivery),
// unless it is not there, a worker holds it right now, or it already waits in the queue. A
// worker holds a delivery's row lock (FOR UPDATE) while it applies it, so a row that a
// SKIP LOCKED probe cannot lock but a plain read finds is being processed. The probe and the
// replay are two statements: a worker that takes the delivery in between finishes it, then
// the replay queues it again, which is harmless (applying a delivery twice changes nothing).
import { z } from "zod";
import type { AuditContext } from "../../audit/audit-context";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { type Db, getDb } from "../../db/client";
import type { DeliverySource, DeliveryStatus } from "../../generated/prisma/enums";
import { strictQuery } from "../../api/query-fields";
import { deliverySourceField } from "../status/list-deliveries";
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
  { source: deliverySourceField.optional().meta({ description: "Only this webhook source: argocd, github, build or deployer." }) },
  strictQuery,
);

/** The optional body of a replay request: why (kept in the audit log). An empty body is fine. */
export const replayBody = z.strictObject({ reason: z.string().max(2000).optional().meta({ description: "Why; kept in the audit log." }) });

export const replayedDeliverySchema = z
  .object({
    id: z.number().int(),
    source: z.enum(["ARGOCD", "GITHUB", "BUILD", "DEPLOYER", "GITLAB", "FLUX"]),
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

/**
 * With an audit context (a person asked, through the API), the replay and its audit event are
 * one transaction, and a refused replay is recorded as `refused` with the reason.
 */
export async function requestDeliveryReplay(id: bigint, db: Db = getDb(), audit: AuditContext | null = null): Promise<ReplayRequestOutcome> {
  const probe = await db.$transaction(async (tx) => {
    const [free] = await tx.$queryRaw<ProbeRow[]>`
      SELECT id, source::text AS source, delivery_id, event, status::text AS status, attempts FROM webhook_deliveries
      WHERE id = ${id} FOR UPDATE SKIP LOCKED`;
    if (free) return { locked: false, row: free } as const;
    const [held] = await tx.$queryRaw<ProbeRow[]>`
      SELECT id, source::text AS source, delivery_id, event, status::text AS status, attempts FROM webhook_deliveries WHERE id = ${id}`;
    return { locked: true, row: held } as const;
  });
  const refusal: ReplayRequestOutcome | null = !probe.row
    ? { kind: "not_found" }
    : probe.locked
      ? { kind: "processing" }
      : probe.row.status === "PENDING" && probe.row.attempts === 0
        ? { kind: "queued" }
        : null;
  if (refusal) {
    if (audit) await recordAuditEvent(db, auditEventOf(id, audit, "refused", { refused: refusal.kind }));
    return refusal;
  }
  const row = probe.row!;

  return db.$transaction(async (tx) => {
    const replayed = await replayDelivery(id, tx);
    if (!replayed) return { kind: "not_found" } as const;
    if (audit) {
      await recordAuditEvent(tx, auditEventOf(id, audit, "success", { source: row.source, deliveryId: row.delivery_id, event: row.event, previousStatus: row.status }));
    }
    return {
      kind: "replayed",
      delivery: {
        id: Number(row.id),
        source: row.source,
        deliveryId: row.delivery_id,
        event: row.event,
        previousStatus: row.status,
        status: "PENDING",
      },
    } as const;
  });
}

function auditEventOf(id: bigint, audit: AuditContext, outcome: "success" | "refused", detail: Record<string, unknown>) {
  return {
    actor: audit.actor,
    action: "delivery.replayed",
    targetType: "delivery",
    targetId: String(id),
    reason: audit.reason,
    requestId: audit.requestId,
    outcome,
    detail,
  } as const;
}

type ProbeRow = { id: bigint; source: DeliverySource; delivery_id: string; event: string; status: DeliveryStatus; attempts: number };
