// The audit log, newest first, a keyset page at a time: the /audit page and GET /api/v1/audit.
// Filters by actor, action, target (type, and id), outcome and a time range. The (at DESC),
// (actor, at DESC) and (target_type, target_id) indexes serve the common filters; the others
// filter while walking the `at` index, which stays cheap because the audit log grows with
// people's actions, not with the fleet.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { plainText } from "../api/plain-text";
import { instantField, limitField, strictQuery } from "../api/query-fields";
import { type DbOrTx, getDb } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { type AuditEvent, auditEventSchema, auditOutcomeSchema } from "./audit-event";

const auditKey = z.tuple([z.iso.datetime(), z.number().int().positive()]).transform(([at, id]) => ({ at: new Date(at), id }));

const shortText = (what: string) => plainText().max(500, "must be at most 500 characters").meta({ description: what });

export const listAuditEventsQuery = z
  .strictObject(
    {
      actor: shortText("Only events by this actor (exact, e.g. an email).").optional(),
      action: shortText("Only this action (exact, e.g. `role.granted`).").optional(),
      targetType: shortText("Only events about this kind of target (`user`, `webhook-token`, `rollback`, …).").optional(),
      targetId: shortText("Only events about this target id (with or without targetType).").optional(),
      outcome: auditOutcomeSchema.optional().meta({ description: "success, failure, refused or cancelled." }),
      from: instantField.optional().meta({ description: "Events at or after this instant." }),
      to: instantField.optional().meta({ description: "Events before this instant." }),
      limit: limitField(50, 200),
      cursor: keysetCursor(auditKey).optional(),
    },
    strictQuery,
  )
  .refine((query) => !query.from || !query.to || query.from < query.to, { message: "from must be before to", path: ["from"] });

export type ListAuditEventsOptions = Partial<z.output<typeof listAuditEventsQuery>>;

export const auditEventPageSchema = z
  .object({
    items: z.array(auditEventSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "AuditEventPage" });

export type AuditEventPage = z.output<typeof auditEventPageSchema>;

export async function listAuditEvents(options: ListAuditEventsOptions = {}, db: DbOrTx = getDb()): Promise<AuditEventPage> {
  const limit = options.limit ?? 50;
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (options.actor !== undefined) where.push(Prisma.sql`actor = ${options.actor}`);
  if (options.action !== undefined) where.push(Prisma.sql`action = ${options.action}`);
  if (options.targetType !== undefined) where.push(Prisma.sql`target_type = ${options.targetType}`);
  if (options.targetId !== undefined) where.push(Prisma.sql`target_id = ${options.targetId}`);
  if (options.outcome !== undefined) where.push(Prisma.sql`outcome = ${options.outcome}`);
  if (options.from) where.push(Prisma.sql`at >= ${options.from}`);
  if (options.to) where.push(Prisma.sql`at < ${options.to}`);
  if (options.cursor) where.push(Prisma.sql`(at, id) < (${options.cursor.at}, ${options.cursor.id})`);

  const rows = await db.$queryRaw<AuditRow[]>`
    SELECT id, at, actor, action, target_type, target_id, reason, request_id, outcome, detail
    FROM audit_events
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY at DESC, id DESC
    LIMIT ${limit + 1}`;

  const items = rows.slice(0, limit).map(
    (row): AuditEvent => ({
      id: Number(row.id),
      at: row.at,
      actor: row.actor,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      reason: row.reason,
      requestId: row.request_id,
      outcome: row.outcome,
      detail: row.detail ?? {},
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.at.toISOString(), last.id]) : null };
}

type AuditRow = {
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  reason: string | null;
  request_id: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
};
