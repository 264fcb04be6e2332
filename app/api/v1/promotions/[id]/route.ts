// GET /api/v1/promotions/{id}: one promotion wave by wave, application by application, with the
// pull requests and Argo CD operations it made and every step; what the promotion page polls.
import { jsonResponse } from "@/lib/api/json-response";
import { readPathParams } from "@/lib/api/read-path-params";
import { requireViewer } from "@/lib/auth/require-viewer";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getPromotion, promotionIdParams } from "@/lib/promotions/get-promotion";

export const GET = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  await requireViewer(request);
  const { id } = readPathParams(promotionIdParams, await params);
  const promotion = await getPromotion(getDb(), id);
  if (!promotion) throw new AppError("not_found", `Promotion ${id} does not exist.`);
  return jsonResponse(promotion);
});
