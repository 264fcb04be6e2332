// One step of a promotion (requested, approved, wave started, application changed, soaking, wave
// finished, paused, resumed, aborted, failed, rolled back): a promotion_steps row for its page and
// an audit_events row, in the caller's transaction (lib/audit), so either both are written or none.
import { recordAuditEvent } from "../audit/record-audit-event";
import type { AuditOutcome } from "../audit/audit-event";
import type { DbOrTx } from "../db/client";

export type PromotionStepInput = {
  promotionId: number;
  /** A dotted action: promotion.requested, promotion.wave-started, … */
  action: string;
  actor: string;
  requestId?: string | null;
  wave?: number | null;
  note?: string | null;
  reason?: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown>;
  at: Date;
};

export async function recordPromotionStep(tx: DbOrTx, step: PromotionStepInput): Promise<void> {
  await tx.promotionStep.create({ data: { promotionId: step.promotionId, wave: step.wave ?? null, action: step.action, actor: step.actor, note: step.note ?? null, at: step.at } });
  await recordAuditEvent(tx, {
    at: step.at,
    actor: step.actor,
    action: step.action,
    targetType: "promotion",
    targetId: String(step.promotionId),
    reason: step.reason ?? null,
    requestId: step.requestId ?? null,
    outcome: step.outcome ?? "success",
    detail: { ...(step.wave !== undefined && step.wave !== null ? { wave: step.wave } : {}), ...(step.note ? { note: step.note } : {}), ...step.detail },
  });
}
