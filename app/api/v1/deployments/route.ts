// GET /api/v1/deployments: the deployment timeline, newest first, keyset-paged, with the counts
// of the rollouts (release × environment) its deployments belong to (docs/api.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { listDeploymentsQuery } from "@/lib/deployments/list-deployments";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { listTimelinePage } from "@/lib/rollouts/list-timeline-page";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const options = readSearchParams(listDeploymentsQuery, request);
  return jsonResponse(await listTimelinePage(options));
});
