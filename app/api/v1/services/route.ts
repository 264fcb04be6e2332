// GET /api/v1/services: services by name, keyset-paged, filtered by team and name (docs/api.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { listServices, listServicesQuery } from "@/lib/services/list-services";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const options = readSearchParams(listServicesQuery, request);
  return jsonResponse(await listServices(options));
});
