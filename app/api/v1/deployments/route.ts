// GET /api/v1/deployments: the deployment timeline, newest first, keyset-paged (docs/api.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { listDeployments, listDeploymentsQuery } from "@/lib/deployments/list-deployments";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const options = readSearchParams(listDeploymentsQuery, request);
  return jsonResponse(await listDeployments(options));
});
