// Creates the promotion an SRE asked for, after planning again on the server (a client's plan is
// never trusted). Guardrails:
//  - one active promotion per service and environment, enforced by the partial unique index
//    promotions_one_active_per_service_environment: concurrent requests insert with ON CONFLICT
//    DO NOTHING, so exactly one wins and the others are told which promotion holds it (409);
//  - idempotency: the same actor and key find the same promotion (a double click, a retry);
//  - with the plan's selectionDigest, a scope that now selects other applications is refused (409);
//  - production needs a second person's approval when SHIPLOG_PROMOTION_APPROVAL=production.
// The promotion, its waves and applications, its first steps and their audit events commit in
// one transaction.
import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import { AppError } from "../http/app-error";
import { planPromotion } from "./plan-promotion";
import type { PromotionDependencies } from "./promotion-dependencies";
import { type PromotionActor, type RequestPromotionInput, requestPromotionInputSchema } from "./promotion-plan";
import { ACTIVE_PROMOTION_STATES } from "./promotion-states";
import { recordPromotionStep } from "./record-promotion-step";

export type RequestPromotionResult = {
  promotionId: number;
  /** True when this request repeated an earlier one (same actor and idempotency key). */
  replayed: boolean;
  state: "AWAITING_APPROVAL" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED" | "ABORTED";
  approvalRequired: boolean;
};

export async function requestPromotion(db: Db, rawInput: RequestPromotionInput, who: PromotionActor, deps: PromotionDependencies): Promise<RequestPromotionResult> {
  const input = requestPromotionInputSchema.parse(rawInput);
  const key = `prm_${createHash("sha256").update(`${who.actor}\n${input.idempotencyKey}`).digest("hex").slice(0, 32)}`;
  const earlier = await findPromotion(db, key);
  if (earlier) return earlier;

  const plan = await planPromotion(db, { ...input, dryRun: false }, deps);
  if (input.selectionDigest !== undefined && input.selectionDigest !== plan.selectionDigest) {
    throw new AppError("conflict", `The scope now selects other applications than the plan showed (${plan.applications.length} now): plan again and check the list before confirming.`, {
      details: { reason: "selection_changed", selectionDigest: plan.selectionDigest, applications: plan.applications.length },
    });
  }
  if (plan.activePromotionId !== null) {
    const same = await findPromotion(db, key);
    if (same) return same;
    throw conflictWith(plan.activePromotionId, plan.service.name, plan.environment.name);
  }
  if (!plan.executable) throw new AppError("bad_request", plan.blockers.join(" "), { details: { blockers: plan.blockers } });

  const now = deps.now();
  const state = plan.approvalRequired ? "AWAITING_APPROVAL" : "RUNNING";
  const soakMs = Math.round(plan.settings.soakMinutes * 60_000);
  const created = await db.$transaction(async (tx) => {
    // ON CONFLICT DO NOTHING covers both the idempotency key and the one-active-promotion index.
    const [promotion] = await tx.promotion.createManyAndReturn({
      data: [
        {
          serviceId: plan.service.id,
          releaseId: plan.release.id,
          environmentId: plan.environment.id,
          state,
          reason: input.reason,
          requestedBy: who.actor,
          approvalRequired: plan.approvalRequired,
          idempotencyKey: key,
          requestId: who.requestId ?? null,
          selection: { select: plan.select, waves: plan.settings },
          soakMs,
          waveTimeoutMs: deps.promotion.waveTimeoutMs,
          autoRollback: deps.promotion.autoRollback,
          autoMerge: deps.promotion.autoMerge,
          requestedAt: now,
          stateChangedAt: now,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    if (!promotion) return null;
    const waves = await tx.promotionWave.createManyAndReturn({
      data: plan.waves.map((wave) => ({ promotionId: promotion.id, index: wave.index, kind: wave.kind, region: wave.region, clusters: wave.clusters })),
      select: { id: true, index: true },
    });
    const waveId = new Map(waves.map((wave) => [wave.index, wave.id]));
    await tx.promotionApplication.createMany({
      data: plan.applications.map((app) => ({
        promotionId: promotion.id,
        waveId: waveId.get(app.wave)!,
        applicationId: app.applicationId,
        method: app.method!,
        fromReleaseId: app.currentRelease?.id ?? null,
        argoRevision: app.argoRevision,
      })),
    });
    const base = { promotionId: promotion.id, actor: who.actor, requestId: who.requestId, at: now };
    const scope = plan.select.by === "all" ? "all clusters" : plan.select.by === "regions" ? `regions ${plan.select.regions.join(", ")}` : `clusters ${plan.select.clusters.join(", ")}`;
    await recordPromotionStep(tx, {
      ...base,
      action: "promotion.requested",
      reason: input.reason || null,
      note: `promote ${plan.release.version} of ${plan.service.name} to ${plan.environment.name} (${scope}): ${plan.applications.length} applications in ${plan.waves.length} waves`,
      detail: { releaseId: plan.release.id, environment: plan.environment.name, applications: plan.applications.length, waves: plan.waves.length },
    });
    if (state === "RUNNING") await recordPromotionStep(tx, { ...base, action: "promotion.approved", note: "no approval required" });
    return promotion.id;
  });
  if (created === null) {
    const same = await findPromotion(db, key);
    if (same) return same;
    const holder = await db.promotion.findFirst({ where: { serviceId: plan.service.id, environmentId: plan.environment.id, state: { in: [...ACTIVE_PROMOTION_STATES] } }, select: { id: true } });
    if (holder) throw conflictWith(holder.id, plan.service.name, plan.environment.name);
    throw new AppError("conflict", "Another promotion of this service and environment started and finished meanwhile; plan again.");
  }
  return { promotionId: created, replayed: false, state, approvalRequired: plan.approvalRequired };
}

async function findPromotion(db: Db, key: string): Promise<RequestPromotionResult | null> {
  const found = await db.promotion.findUnique({ where: { idempotencyKey: key }, select: { id: true, state: true, approvalRequired: true } });
  return found ? { promotionId: found.id, replayed: true, state: found.state, approvalRequired: found.approvalRequired } : null;
}

function conflictWith(promotionId: number, service: string, environment: string): AppError {
  return new AppError("conflict", `${service} is already being promoted into ${environment} (promotion #${promotionId}): abort it or wait for it to finish.`, {
    details: { promotionId },
  });
}
