// Creates the rollback(s) an SRE asked for, after planning again on the server (a client's
// plan is never trusted). Guardrails:
//  - one active rollback per application, enforced by the partial unique index
//    rollbacks_one_active_per_application: concurrent requests insert with ON CONFLICT DO
//    NOTHING, so exactly one wins and the others are told which rollback holds it (409);
//  - idempotency: the same actor and key find the same rollbacks (a double click or a retried
//    request creates nothing new);
//  - a reason is required; production needs a second person's approval when configured;
//  - with the plan's selectionDigest, a scope that now selects other applications (health
//    changed since the plan) is refused (409) rather than acted on.
// The rollbacks, their first transitions and their audit events commit in one transaction.
import { createHash } from "node:crypto";
import { auditEventInputSchema } from "../audit/audit-event";
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { AppError } from "../http/app-error";
import { decideRollbackPlan } from "./decide-rollback-plan";
import { readPlanFacts } from "./plan-rollback";
import type { RollbackDependencies } from "./rollback-dependencies";
import { type RequestRollbackInput, type RollbackActor, type RollbackPlan, requestRollbackInputSchema } from "./rollback-plan";
import { ACTIVE_ROLLBACK_STATES } from "./rollback-states";
import { auditEventOf } from "./transition-rollback";

export type RequestRollbackResult = {
  groupId: string;
  rollbackIds: number[];
  /** True when this request repeated an earlier one (same actor and idempotency key). */
  replayed: boolean;
  /** REQUESTED while waiting for approval, else APPROVED (ready to execute). */
  state: "REQUESTED" | "APPROVED";
  approvalRequired: boolean;
};

/** Rolls back the whole transaction when another request won the race for an application. */
class LostRace extends Error {}

export async function requestRollback(db: Db, rawInput: RequestRollbackInput, who: RollbackActor, deps: RollbackDependencies): Promise<RequestRollbackResult> {
  const input = requestRollbackInputSchema.parse(rawInput);
  const groupId = groupIdOf(who.actor, input.idempotencyKey);
  const earlier = await findGroup(db, groupId);
  if (earlier) return earlier;

  const facts = await readPlanFacts(db, input.scope);
  const plan = decideRollbackPlan(facts, {
    targetReleaseId: input.targetReleaseId,
    method: input.method,
    approval: deps.settings.approval,
    githubConfigured: deps.github !== null,
    gitlabHost: deps.gitlab?.host ?? null,
    gitlabConfigured: Boolean(deps.gitlab?.api),
    argoInstances: deps.argoInstances,
  });
  if (input.selectionDigest !== undefined && input.selectionDigest !== plan.selectionDigest) {
    // Health moved between the plan and the click (say a fourth cluster turned degraded): never act
    // on applications the person did not see.
    throw new AppError(
      "conflict",
      `The scope now selects other applications than the plan showed (${plan.applications.length} now): plan again and check the list before confirming.`,
      { details: { reason: "selection_changed", selectionDigest: plan.selectionDigest, applications: plan.applications.length } },
    );
  }
  if (plan.activeRollbacks.length > 0) {
    // The same request, made twice at once: the other copy created the group meanwhile.
    const same = await findGroup(db, groupId);
    if (same) return same;
    throw conflictWith(plan.activeRollbacks[0]!, plan);
  }
  if (!plan.executable) throw new AppError("bad_request", plan.blockers.join(" ") || "This rollback cannot be planned.", { details: { blockers: plan.blockers } });

  const now = deps.now();
  const state = plan.approvalRequired ? "REQUESTED" : "APPROVED";
  try {
    await db.$transaction(async (tx) => {
      const created = await tx.rollback.createManyAndReturn({
        data: plan.applications.map((app) => ({
          groupId,
          wave: app.wave,
          applicationId: app.applicationId,
          fromReleaseId: app.currentRelease?.id ?? null,
          toReleaseId: plan.target!.id,
          fromDeploymentId:
            input.scope.kind === "deployment" ? input.scope.deploymentId : (facts.applications.find((fact) => fact.id === app.applicationId)?.lastDeploymentId ?? null),
          method: app.method!,
          state,
          reason: input.reason,
          requestedBy: who.actor,
          idempotencyKey: `${groupId}:${app.applicationId}`,
          argoHistoryId: app.method === "ARGOCD" ? app.argoHistoryId : null,
          requestId: who.requestId ?? null,
          approvalRequired: plan.approvalRequired,
          requestedAt: now,
          stateChangedAt: now,
        })),
        skipDuplicates: true,
        select: { id: true, applicationId: true, groupId: true },
      });
      if (created.length < plan.applications.length) throw new LostRace();
      const base = { actor: who.actor, requestId: who.requestId, at: now };
      await tx.rollbackTransition.createMany({
        data: created.flatMap((rollback) => [
          { rollbackId: rollback.id, fromState: null, toState: "REQUESTED" as const, actor: who.actor, note: input.reason, at: now },
          ...(state === "APPROVED"
            ? [{ rollbackId: rollback.id, fromState: "REQUESTED" as const, toState: "APPROVED" as const, actor: who.actor, note: "no approval required", at: now }]
            : []),
        ]),
      });
      // One insert for the whole group (a release can run on hundreds of applications), each row
      // validated as lib/audit's recordAuditEvent validates it.
      const events = created.flatMap((rollback) => [
        auditEventOf(rollback, null, "REQUESTED", { ...base, reason: input.reason, note: `roll back to ${plan.target!.version}` }),
        ...(state === "APPROVED" ? [auditEventOf(rollback, "REQUESTED", "APPROVED", { ...base, note: "no approval required" })] : []),
      ]);
      await tx.auditEvent.createMany({
        data: events.map((event) => {
          const valid = auditEventInputSchema.parse(event);
          return { ...valid, detail: (valid.detail ?? {}) as Prisma.InputJsonObject };
        }),
      });
    });
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    const same = await findGroup(db, groupId);
    if (same) return same;
    const holder = await db.rollback.findFirst({
      where: { applicationId: { in: plan.applications.map((app) => app.applicationId) }, state: { in: [...ACTIVE_ROLLBACK_STATES] } },
      select: { id: true, applicationId: true, state: true },
    });
    if (holder) throw conflictWith(holder, plan);
    throw new AppError("conflict", "Another rollback of these applications started and finished meanwhile; plan again.");
  }
  const made = await findGroup(db, groupId);
  return { ...made!, replayed: false };
}

/** The same person and key always name the same group (a key is only unique per client). */
function groupIdOf(actor: string, key: string): string {
  return `rbg_${createHash("sha256").update(`${actor}\n${key}`).digest("hex").slice(0, 32)}`;
}

async function findGroup(db: Db, groupId: string): Promise<RequestRollbackResult | null> {
  const rollbacks = await db.rollback.findMany({ where: { groupId }, select: { id: true, state: true, approvalRequired: true }, orderBy: { id: "asc" } });
  if (rollbacks.length === 0) return null;
  return {
    groupId,
    rollbackIds: rollbacks.map((rollback) => rollback.id),
    replayed: true,
    state: rollbacks.some((rollback) => rollback.state === "REQUESTED") ? "REQUESTED" : "APPROVED",
    approvalRequired: rollbacks[0]!.approvalRequired,
  };
}

function conflictWith(active: { id: number; applicationId: number; state: string }, plan: RollbackPlan): AppError {
  const name = plan.applications.find((app) => app.applicationId === active.applicationId)?.name ?? `application ${active.applicationId}`;
  return new AppError("conflict", `${name} is already being rolled back (rollback #${active.id}, ${active.state.toLowerCase().replaceAll("_", " ")}).`, {
    details: { rollbackId: active.id, applicationId: active.applicationId, state: active.state },
  });
}
