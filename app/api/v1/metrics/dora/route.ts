// GET /api/v1/metrics/dora: the four DORA metrics for the fleet, a team or a service (docs/api.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { doraMetricsQuery } from "@/lib/metrics/dora-query";
import { getDoraMetrics } from "@/lib/metrics/get-dora-metrics";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { per, ...query } = readSearchParams(doraMetricsQuery, request);
  const metrics = await getDoraMetrics({ ...query, granularity: per });
  if (!metrics) throw new AppError("not_found", "No such team or service.");
  return jsonResponse(metrics);
});
