// GET /api/v1/services/{name}: one service, what runs where now, its latest releases and deployments.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getService, getServiceParams } from "@/lib/services/get-service";

export const GET = withErrorHandling<{ params: Promise<{ name: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { name } = readPathParams(getServiceParams, await params);
  const service = await getService(name);
  if (!service) throw new AppError("not_found", `No service is named "${name}".`);
  return jsonResponse(service);
});
