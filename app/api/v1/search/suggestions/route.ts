// GET /api/v1/search/suggestions?q=: what the header's search box offers while typing.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { suggestSearch, suggestSearchQuery } from "@/lib/search/suggest-search";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { q } = readSearchParams(suggestSearchQuery, request);
  return jsonResponse(await suggestSearch(q));
});
