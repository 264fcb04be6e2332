// POST /api/v1/promotions/{id}/approve (lib/promotions/control-promotion.ts): a second person approves;
// the requester never can (403). Then its first wave starts. 409 when the promotion
// is in a state that does not allow it. Needs the approve-promotion permission for the service's team.
import { jsonResponse } from "@/lib/api/json-response";
import { readPathParams } from "@/lib/api/read-path-params";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import { getDb } from "@/lib/db/client";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { controlPromotion } from "@/lib/promotions/control-promotion";
import { getPromotion, promotionIdParams } from "@/lib/promotions/get-promotion";
import { actorOf, executeSoon, promotionDependencies, promotionTeam } from "../../_shared/promotion-actor";

export const POST = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  await requireViewer(request);
  const { id } = readPathParams(promotionIdParams, await params);
  const viewer = await requirePermission(request, "approve-promotion", { teamId: await promotionTeam({ promotionId: id }) });
  const who = actorOf(viewer, request);
  const deps = promotionDependencies(request);
  await controlPromotion(getDb(), id, "approve", who, deps.now());
  executeSoon(id, who, deps);
  return jsonResponse(await getPromotion(getDb(), id));
});
