// GET /api/v1/metrics/dora/incidents: the incidents behind time to restore service.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { doraIncidentsQuery } from "@/lib/metrics/dora-query";
import { listDoraIncidents } from "@/lib/metrics/list-dora-incidents";
import { resolveDoraRequest } from "@/lib/metrics/resolve-dora-request";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { limit, cursor, group, ...options } = readSearchParams(doraIncidentsQuery, request);
  const resolved = await resolveDoraRequest(options);
  if (!resolved) throw new AppError("not_found", "No such team or service.");
  return jsonResponse(await listDoraIncidents(resolved, { limit, cursor, group }));
});
