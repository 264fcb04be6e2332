// GET /api/v1/environments/waiting: environments behind the one before them, fleet-wide, oldest
// waiting change first, keyset-paged and filtered by team (docs/environments.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { listWaitingPromotions, listWaitingPromotionsQuery } from "@/lib/environments/list-waiting-promotions";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const options = readSearchParams(listWaitingPromotionsQuery, request);
  return jsonResponse(await listWaitingPromotions(options));
});
