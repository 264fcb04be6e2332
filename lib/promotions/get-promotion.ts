// One promotion as its page and GET /api/v1/promotions/{id} show it: wave by wave, application by
// application (with each one's Argo CD health and sync now, and the pull request or operation it
// got), and every step it took.
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { type PromotionView, promotionViewSchema } from "./promotion-plan";

export const promotionIdParams = z.object({ id: z.coerce.number().int().positive() });

export async function getPromotion(db: DbOrTx, id: number): Promise<PromotionView | null> {
  const row = await db.promotion.findUnique({
    where: { id },
    include: {
      service: { select: { id: true, name: true, teamId: true } },
      release: { select: { id: true, version: true } },
      environment: { select: { name: true, isProduction: true } },
      waves: {
        orderBy: { index: "asc" },
        include: {
          applications: {
            orderBy: { id: "asc" },
            include: { application: { select: { name: true, healthStatus: true, syncStatus: true, cluster: { select: { name: true } } } } },
          },
        },
      },
      steps: { orderBy: { id: "asc" } },
    },
  });
  if (!row) return null;
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return promotionViewSchema.parse({
    id: row.id,
    state: row.state,
    service: row.service,
    release: row.release,
    environment: row.environment,
    reason: row.reason,
    requestedBy: row.requestedBy,
    approvedBy: row.approvedBy,
    approvalRequired: row.approvalRequired,
    autoRollback: row.autoRollback,
    soakMinutes: row.soakMs / 60_000,
    currentWave: row.currentWave,
    error: row.error,
    requestedAt: row.requestedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
    waves: row.waves.map((wave) => ({
      index: wave.index,
      kind: wave.kind,
      region: wave.region,
      clusters: wave.clusters,
      state: wave.state,
      startedAt: iso(wave.startedAt),
      healthySince: iso(wave.healthySince),
      finishedAt: iso(wave.finishedAt),
      error: wave.error,
      applications: wave.applications.map((member) => ({
        id: member.id,
        applicationId: member.applicationId,
        name: member.application.name,
        cluster: member.application.cluster.name,
        method: member.method,
        state: member.state,
        pullRequestUrl: member.pullRequestUrl,
        argoOperation: member.argoOperation,
        health: member.application.healthStatus,
        sync: member.application.syncStatus,
        error: member.error,
        rollbackId: member.rollbackId,
      })),
    })),
    steps: row.steps.map((step) => ({ at: step.at.toISOString(), actor: step.actor, action: step.action, note: step.note, wave: step.wave })),
  });
}
