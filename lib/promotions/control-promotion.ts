// What a person does to a promotion once it exists: approve it (a second person, when
// SHIPLOG_PROMOTION_APPROVAL requires it), pause it (no new application or wave starts; what is
// in flight is still tracked), resume it (the current wave's clocks start again), or abort it
// (nothing more starts; pull requests already opened stay open for a person to close). Each is a
// conditional update from the states it is allowed in, with its step and audit event in the same
// transaction; anything else is a 409 saying the state it is in.
import type { Db } from "../db/client";
import type { PromotionState } from "../generated/prisma/enums";
import { AppError } from "../http/app-error";
import type { PromotionActor } from "./promotion-plan";
import { recordPromotionStep } from "./record-promotion-step";

export type PromotionControl = "approve" | "pause" | "resume" | "abort";

const ALLOWED: Record<PromotionControl, { from: PromotionState[]; to: PromotionState; action: string }> = {
  approve: { from: ["AWAITING_APPROVAL"], to: "RUNNING", action: "promotion.approved" },
  pause: { from: ["RUNNING"], to: "PAUSED", action: "promotion.paused" },
  resume: { from: ["PAUSED"], to: "RUNNING", action: "promotion.resumed" },
  abort: { from: ["AWAITING_APPROVAL", "RUNNING", "PAUSED"], to: "ABORTED", action: "promotion.aborted" },
};

export async function controlPromotion(db: Db, promotionId: number, control: PromotionControl, who: PromotionActor & { reason?: string | null }, now: Date): Promise<void> {
  const promotion = await db.promotion.findUnique({ where: { id: promotionId }, select: { id: true, state: true, requestedBy: true, currentWave: true } });
  if (!promotion) throw new AppError("not_found", `Promotion ${promotionId} does not exist.`);
  const rule = ALLOWED[control];
  if (control === "approve" && promotion.requestedBy === who.actor) {
    await db.$transaction((tx) =>
      recordPromotionStep(tx, { promotionId, actor: who.actor, requestId: who.requestId, action: "promotion.approved", outcome: "refused", note: "the requester cannot approve their own promotion", at: now }),
    );
    throw new AppError("forbidden", "A promotion must be approved by someone other than the person who requested it.");
  }
  await db.$transaction(async (tx) => {
    const moved = await tx.promotion.updateMany({
      where: { id: promotionId, state: { in: rule.from } },
      data: { state: rule.to, stateChangedAt: now, ...(control === "approve" ? { approvedBy: who.actor } : {}), ...(control === "abort" ? { finishedAt: now, error: `aborted by ${who.actor}` } : {}) },
    });
    if (moved.count === 0) {
      const state = (await tx.promotion.findUniqueOrThrow({ where: { id: promotionId }, select: { state: true } })).state;
      throw new AppError("conflict", `Promotion #${promotionId} is ${state.toLowerCase().replaceAll("_", " ")}: it cannot be ${control === "abort" ? "aborted" : `${control}d`} now.`, { details: { state } });
    }
    if (control === "resume") {
      // Paused time counts neither as soak nor against the wave's time limit.
      await tx.promotionWave.updateMany({ where: { promotionId, state: { in: ["RUNNING", "SOAKING"] } }, data: { startedAt: now, healthySince: null, state: "RUNNING" } });
    }
    if (control === "abort") {
      await tx.promotionWave.updateMany({ where: { promotionId, state: { in: ["PENDING", "RUNNING", "SOAKING"] } }, data: { state: "CANCELLED", finishedAt: now } });
      await tx.promotionApplication.updateMany({ where: { promotionId, state: { in: ["PENDING", "EXECUTING", "WAITING"] } }, data: { state: "CANCELLED", finishedAt: now } });
    }
    await recordPromotionStep(tx, {
      promotionId,
      actor: who.actor,
      requestId: who.requestId,
      action: rule.action,
      reason: who.reason ?? null,
      outcome: control === "abort" ? "cancelled" : "success",
      wave: promotion.currentWave,
      note: control === "abort" ? "nothing more starts; pull requests already opened stay open" : null,
      at: now,
    });
  });
}
