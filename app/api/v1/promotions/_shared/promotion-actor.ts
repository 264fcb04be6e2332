// What the promotion routes share: the actor recorded for a signed-in person, the dependencies
// built from configuration, the team a promotion belongs to (for the permission check), and
// starting a wave right after the answer is sent.
import { requestIdOf } from "@/lib/audit/request-id";
import type { Viewer } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { derivePublicBaseUrl } from "@/lib/http/derive-public-base-url";
import { logger } from "@/lib/log/logger";
import { executePromotionWave } from "@/lib/promotions/execute-promotion-wave";
import { type PromotionDependencies, defaultPromotionDependencies } from "@/lib/promotions/promotion-dependencies";
import type { PromotionActor } from "@/lib/promotions/promotion-plan";

export function actorOf(viewer: Viewer, request: Request): PromotionActor {
  return { actor: viewer.email, requestId: requestIdOf(request) };
}

export function promotionDependencies(request: Request): PromotionDependencies {
  return defaultPromotionDependencies({ publicBaseUrl: derivePublicBaseUrl(request.headers) });
}

/** The team of the service a promotion (or a release to promote) belongs to; 404 when there is none. */
export async function promotionTeam(ref: { promotionId: number } | { releaseId: number }): Promise<number | null> {
  const db = getDb();
  if ("promotionId" in ref) {
    const found = await db.promotion.findUnique({ where: { id: ref.promotionId }, select: { service: { select: { teamId: true } } } });
    if (!found) throw new AppError("not_found", `Promotion ${ref.promotionId} does not exist.`);
    return found.service.teamId;
  }
  const found = await db.release.findUnique({ where: { id: ref.releaseId }, select: { service: { select: { teamId: true } } } });
  if (!found) throw new AppError("not_found", `Release ${ref.releaseId} does not exist.`);
  return found.service.teamId;
}

/**
 * Starts the current wave without making the person wait for Argo CD or GitHub (each call has its
 * own time limit). Not awaited on purpose: the promotion runner of the inline worker picks up
 * anything this misses (a restart, a crash), so nothing depends on it finishing.
 */
export function executeSoon(promotionId: number, who: PromotionActor, deps: PromotionDependencies): void {
  void executePromotionWave(getDb(), promotionId, who, deps).catch((error: unknown) => {
    logger("promotion").error(`starting promotion #${promotionId} failed: ${(error as Error).message}`);
  });
}
