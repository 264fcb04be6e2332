// GET /api/v1/applications: Argo CD applications and what they run now, keyset-paged (docs/api.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { listApplications, listApplicationsQuery } from "@/lib/applications/list-applications";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const options = readSearchParams(listApplicationsQuery, request);
  return jsonResponse(await listApplications(options));
});
