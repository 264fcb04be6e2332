// POST /api/v1/promotions: with `dryRun: true`, the plan (nothing changes); otherwise create the
// promotion (docs/api.md, docs/promotions.md). The server plans again (a client's plan is never
// trusted); an Idempotency-Key header is required so a double click or a retry gives the same
// promotion (200) instead of a second one. One active promotion per service and environment: 409
// naming it. A promotion needing no approval starts its first wave at once.
// GET /api/v1/promotions?state=&service=: promotions newest first, keyset-paged.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { listPromotions, listPromotionsQuery } from "@/lib/promotions/list-promotions";
import { planPromotion } from "@/lib/promotions/plan-promotion";
import { promotionBodySchema } from "@/lib/promotions/promotion-plan";
import { requestPromotion } from "@/lib/promotions/request-promotion";
import { readJsonBody } from "../rollbacks/_shared/read-json-body";
import { actorOf, executeSoon, promotionDependencies, promotionTeam } from "./_shared/promotion-actor";

const idempotencyKeyHeader = z
  .string({ error: "the Idempotency-Key header is required (one value per promote dialog, reused on retries)" })
  .trim()
  .min(8, "the Idempotency-Key header must be at least 8 characters")
  .max(200, "the Idempotency-Key header must be at most 200 characters");

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  await requireViewer(request);
  const body = promotionBodySchema.parse(await readJsonBody(request));
  const teamId = await promotionTeam({ releaseId: body.releaseId });
  const viewer = await requirePermission(request, "promote", { teamId });
  const db = getDb();
  const deps = promotionDependencies(request);
  if (body.dryRun) return jsonResponse(await planPromotion(db, body, deps));
  const key = idempotencyKeyHeader.safeParse(request.headers.get("idempotency-key") ?? undefined);
  if (!key.success) throw new AppError("bad_request", key.error.issues[0]!.message);
  const who = actorOf(viewer, request);
  const result = await requestPromotion(db, { ...body, idempotencyKey: key.data }, who, deps);
  if (!result.replayed && result.state === "RUNNING") executeSoon(result.promotionId, who, deps);
  return Response.json({ ...result, url: `/promotions/${result.promotionId}` }, { status: result.replayed ? 200 : 201, headers: { "Cache-Control": "no-store" } });
});

export const GET = withErrorHandling(async (request) => {
  await requireViewer(request);
  return jsonResponse(await listPromotions(readSearchParams(listPromotionsQuery, request)));
});
