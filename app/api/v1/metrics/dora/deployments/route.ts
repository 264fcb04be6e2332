// GET /api/v1/metrics/dora/deployments: the production deployments (or failures) behind the numbers.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { doraDeploymentsQuery } from "@/lib/metrics/dora-query";
import { listDoraDeployments } from "@/lib/metrics/list-dora-deployments";
import { resolveDoraRequest } from "@/lib/metrics/resolve-dora-request";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { limit, failed, cursor, group, ...options } = readSearchParams(doraDeploymentsQuery, request);
  const resolved = await resolveDoraRequest(options);
  if (!resolved) throw new AppError("not_found", "No such team or service.");
  return jsonResponse(await listDoraDeployments(resolved, { failedOnly: failed === "true", limit, cursor, group }));
});
