// GET /api/v1/services/{name}/environments: the service's environments in rank order, what each
// runs, and how far each lags the one before it (docs/environments.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readPathParams } from "@/lib/api/read-path-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { getServiceEnvironments } from "@/lib/environments/get-service-environments";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getServiceParams } from "@/lib/services/get-service";

export const GET = withErrorHandling<{ params: Promise<{ name: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { name } = readPathParams(getServiceParams, await params);
  const view = await getServiceEnvironments(name);
  if (!view) throw new AppError("not_found", `No service is named "${name}".`);
  return jsonResponse(view);
});
