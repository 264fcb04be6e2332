// Writes one audit event. Call it with the transaction that does the action, so the record and
// the action commit or roll back together: a failed action never leaves an audit row of success,
// and a successful one always has its row. audit_events refuses UPDATE and DELETE (a trigger).
import type { DbOrTx } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { type AuditEventInput, auditEventInputSchema } from "./audit-event";

export async function recordAuditEvent(tx: DbOrTx, input: AuditEventInput): Promise<{ id: bigint }> {
  const event = auditEventInputSchema.parse(input);
  return tx.auditEvent.create({
    data: {
      actor: event.actor,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId ?? null,
      reason: event.reason ?? null,
      requestId: event.requestId ?? null,
      outcome: event.outcome,
      detail: (event.detail ?? {}) as Prisma.InputJsonObject,
      ...(event.at ? { at: event.at } : {}),
    },
    select: { id: true },
  });
}
