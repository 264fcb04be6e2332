// Moves running promotions on from the state Argo CD's events left on their applications
// (decide-promotion-step.ts): applications that reached the release healthy, the soak clock,
// the next wave (left PENDING for the runner, which makes the outbound calls), or a stop. Called
// by the Argo CD event handler for the applications an event touched, and by the promotion
// runner for every running promotion (soak time and time limits pass without events). Database
// work only; the promotion row is locked so two callers never decide the same wave twice.
import type { DbOrTx } from "../db/client";
import { decidePromotionStep } from "./decide-promotion-step";
import { PROMOTION_SYSTEM_ACTOR } from "./promotion-states";
import { recordPromotionStep } from "./record-promotion-step";

export type AdvancePromotionsResult = { nextWave: number[]; succeeded: number[]; failed: number[] };

export async function advancePromotions(db: DbOrTx, options: { applicationIds?: number[]; now?: Date } = {}): Promise<AdvancePromotionsResult> {
  const now = options.now ?? new Date();
  const ids = options.applicationIds ?? null;
  // Answered by promotion_applications' application index and the few running promotions.
  const candidates = await db.$queryRaw<{ id: number }[]>`
    SELECT p.id FROM promotions p
    WHERE p.state = 'RUNNING'
      AND (${ids}::int[] IS NULL OR EXISTS (
        SELECT 1 FROM promotion_applications pa WHERE pa.promotion_id = p.id AND pa.application_id = ANY(${ids}::int[])))
    ORDER BY p.id
    FOR UPDATE OF p SKIP LOCKED`;
  const result: AdvancePromotionsResult = { nextWave: [], succeeded: [], failed: [] };
  for (const { id } of candidates) {
    const promotion = await db.promotion.findUniqueOrThrow({
      where: { id },
      select: {
        id: true,
        state: true,
        releaseId: true,
        soakMs: true,
        waveTimeoutMs: true,
        autoRollback: true,
        currentWave: true,
        release: { select: { version: true } },
        waves: { where: { state: { in: ["RUNNING", "SOAKING"] } }, orderBy: { index: "asc" }, take: 1 },
      },
    });
    const wave = promotion.waves[0];
    if (!wave || wave.startedAt === null) continue;
    const members = await db.promotionApplication.findMany({
      where: { waveId: wave.id },
      select: {
        id: true,
        state: true,
        changedAt: true,
        application: {
          select: {
            name: true,
            currentReleaseId: true,
            healthStatus: true,
            syncStatus: true,
            lastDeployment: { select: { phase: true, startedAt: true, message: true } },
          },
        },
      },
    });
    const step = decidePromotionStep({
      targetReleaseId: promotion.releaseId,
      targetVersion: promotion.release.version,
      startedAt: wave.startedAt,
      healthySince: wave.healthySince,
      soakMs: promotion.soakMs,
      timeoutMs: promotion.waveTimeoutMs,
      autoRollback: promotion.autoRollback,
      now,
      applications: members.map((member) => ({
        id: member.id,
        name: member.application.name,
        state: member.state,
        changedAt: member.changedAt,
        currentReleaseId: member.application.currentReleaseId,
        health: member.application.healthStatus,
        sync: member.application.syncStatus,
        lastOperation: member.application.lastDeployment,
      })),
    });
    if (step.reached.length > 0) {
      await db.promotionApplication.updateMany({ where: { id: { in: step.reached }, state: "WAITING" }, data: { state: "SUCCEEDED", finishedAt: now } });
    }
    const base = { promotionId: promotion.id, actor: PROMOTION_SYSTEM_ACTOR, wave: wave.index, at: now };
    if (step.kind === "wait") {
      const soaking = step.healthySince !== null;
      if (soaking !== (wave.state === "SOAKING") || step.healthySince?.getTime() !== wave.healthySince?.getTime()) {
        await db.promotionWave.update({ where: { id: wave.id }, data: { state: soaking ? "SOAKING" : "RUNNING", healthySince: step.healthySince } });
        if (soaking && wave.state !== "SOAKING") {
          await recordPromotionStep(db, { ...base, action: "promotion.wave-soaking", note: `every application runs ${promotion.release.version} Synced and Healthy; soaking ${Math.round(promotion.soakMs / 60_000)} minutes` });
        } else if (!soaking && wave.state === "SOAKING") {
          await recordPromotionStep(db, { ...base, action: "promotion.wave-unsettled", note: "an application is no longer Synced and Healthy; the soak starts again once it is" });
        }
      }
      continue;
    }
    if (step.kind === "next-wave") {
      await db.promotionWave.update({ where: { id: wave.id }, data: { state: "SUCCEEDED", finishedAt: now } });
      await db.promotionApplication.updateMany({ where: { waveId: wave.id, state: "WAITING" }, data: { state: "SUCCEEDED", finishedAt: now } });
      await recordPromotionStep(db, { ...base, action: "promotion.wave-succeeded", note: `wave ${wave.index + 1} soaked healthy` });
      const next = await db.promotionWave.findFirst({ where: { promotionId: promotion.id, index: { gt: wave.index }, state: "PENDING" }, orderBy: { index: "asc" }, select: { index: true } });
      if (next) {
        await db.promotion.update({ where: { id: promotion.id }, data: { currentWave: next.index } });
        result.nextWave.push(promotion.id);
      } else {
        await db.promotion.update({ where: { id: promotion.id }, data: { state: "SUCCEEDED", stateChangedAt: now, finishedAt: now } });
        await recordPromotionStep(db, { ...base, wave: null, action: "promotion.succeeded", note: `every wave runs ${promotion.release.version} healthy` });
        result.succeeded.push(promotion.id);
      }
      continue;
    }
    await db.promotionApplication.updateMany({ where: { id: { in: step.failed }, state: { in: ["WAITING", "SUCCEEDED", "EXECUTING", "PENDING"] } }, data: { state: "FAILED", error: step.reason, finishedAt: now } });
    await db.promotionWave.update({ where: { id: wave.id }, data: { state: "FAILED", error: step.reason, finishedAt: now } });
    await db.promotionWave.updateMany({ where: { promotionId: promotion.id, state: "PENDING" }, data: { state: "CANCELLED" } });
    await db.promotionApplication.updateMany({ where: { promotionId: promotion.id, state: "PENDING" }, data: { state: "CANCELLED" } });
    await db.promotion.update({ where: { id: promotion.id }, data: { state: "FAILED", error: step.reason, stateChangedAt: now, finishedAt: now } });
    await recordPromotionStep(db, {
      ...base,
      action: "promotion.failed",
      outcome: "failure",
      note: `${step.reason}${step.rollBack ? " Rolling this wave back." : ""}`,
    });
    result.failed.push(promotion.id);
  }
  return result;
}
