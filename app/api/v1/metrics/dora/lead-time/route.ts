// GET /api/v1/metrics/dora/lead-time: the commits behind lead time for changes.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { doraLeadTimeQuery } from "@/lib/metrics/dora-query";
import { listLeadTimeCommits } from "@/lib/metrics/list-lead-time-commits";
import { resolveDoraRequest } from "@/lib/metrics/resolve-dora-request";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { limit, cursor, group, ...options } = readSearchParams(doraLeadTimeQuery, request);
  const resolved = await resolveDoraRequest(options);
  if (!resolved) throw new AppError("not_found", "No such team or service.");
  return jsonResponse(await listLeadTimeCommits(resolved, { limit, cursor, group }));
});
