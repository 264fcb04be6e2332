// GET /api/v1/deployments/{id}: one deployment, its phase log and its rollback links.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { getDeployment, getDeploymentParams } from "@/lib/deployments/get-deployment";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { id } = readPathParams(getDeploymentParams, await params);
  const deployment = await getDeployment(id);
  if (!deployment) throw new AppError("not_found", `No deployment has id ${id}.`);
  return jsonResponse(deployment);
});
