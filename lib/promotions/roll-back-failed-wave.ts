// The automatic rollback of a failed wave (SHIPLOG_PROMOTION_AUTO_ROLLBACK): each application of
// the wave that runs the promoted release is rolled back to the release it ran before, as an
// ordinary rollback (lib/rollback: plan, guardrails, execution, tracking, audit), requested by
// system:promotions with a per-application idempotency key, so a repeated pass asks only once.
// Applications whose pull request was never merged still run the old release: nothing to do.
import type { Db } from "../db/client";
import { AppError } from "../http/app-error";
import { executeRollback } from "../rollback/execute-rollback";
import { requestRollback } from "../rollback/request-rollback";
import type { PromotionDependencies } from "./promotion-dependencies";
import { PROMOTION_SYSTEM_ACTOR } from "./promotion-states";
import { recordPromotionStep } from "./record-promotion-step";

/** Marks an application whose rollback the guardrails refused, so later passes do not ask again. */
const REFUSED = "Not rolled back: ";

export async function rollBackFailedWave(db: Db, promotionId: number, deps: PromotionDependencies): Promise<{ rollbackIds: number[]; refused: string[] }> {
  const promotion = await db.promotion.findUniqueOrThrow({
    where: { id: promotionId },
    select: { releaseId: true, release: { select: { version: true } }, waves: { where: { state: "FAILED" }, select: { id: true, index: true } } },
  });
  const result = { rollbackIds: [] as number[], refused: [] as string[] };
  const wave = promotion.waves[0];
  if (!wave) return result;
  const members = await db.promotionApplication.findMany({
    where: {
      waveId: wave.id,
      rollbackId: null,
      changedAt: { not: null },
      fromReleaseId: { not: null },
      application: { currentReleaseId: promotion.releaseId },
      OR: [{ error: null }, { NOT: { error: { startsWith: REFUSED } } }],
    },
    select: { id: true, applicationId: true, fromReleaseId: true, application: { select: { name: true } } },
  });
  for (const member of members) {
    const who = { actor: PROMOTION_SYSTEM_ACTOR };
    try {
      const requested = await requestRollback(
        db,
        {
          scope: { kind: "application", applicationId: member.applicationId },
          targetReleaseId: member.fromReleaseId!,
          reason: `Promotion #${promotionId} of ${promotion.release.version} failed in wave ${wave.index + 1}.`,
          idempotencyKey: `promotion-${promotionId}-application-${member.applicationId}`,
        },
        who,
        deps,
      );
      const rollbackId = requested.rollbackIds[0]!;
      await db.$transaction(async (tx) => {
        await tx.promotionApplication.update({ where: { id: member.id }, data: { rollbackId } });
        if (!requested.replayed) {
          await recordPromotionStep(tx, { promotionId, actor: PROMOTION_SYSTEM_ACTOR, wave: wave.index, action: "promotion.rollback-requested", note: `rollback #${rollbackId} of ${member.application.name}`, detail: { rollbackId, applicationId: member.applicationId }, at: deps.now() });
        }
      });
      result.rollbackIds.push(rollbackId);
      if (requested.state === "APPROVED") await executeRollback(db, rollbackId, who, deps);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Said once per application: the rollback guardrails' own words (already rolling back, no earlier release…).
      const note = `${member.application.name} was not rolled back: ${error.message}`;
      await db.$transaction(async (tx) => {
        const marked = await tx.promotionApplication.updateMany({ where: { id: member.id, rollbackId: null }, data: { error: `${REFUSED}${error.message}` } });
        if (marked.count > 0) await recordPromotionStep(tx, { promotionId, actor: PROMOTION_SYSTEM_ACTOR, wave: wave.index, action: "promotion.rollback-refused", outcome: "refused", note, at: deps.now() });
      });
      result.refused.push(note);
    }
  }
  return result;
}
