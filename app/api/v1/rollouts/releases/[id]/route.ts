// GET /api/v1/rollouts/releases/{id}: one release moving across environments, regions and clusters.
import { jsonResponse } from "@/lib/api/json-response";
import { readPathParams } from "@/lib/api/read-path-params";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getReleaseRollout, getReleaseRolloutParams, getReleaseRolloutQuery } from "@/lib/rollouts/get-release-rollout";

export const GET = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { id } = readPathParams(getReleaseRolloutParams, await params);
  const options = readSearchParams(getReleaseRolloutQuery, request);
  const rollout = await getReleaseRollout(id, options);
  if (!rollout) throw new AppError("not_found", `No release has id ${id}.`);
  return jsonResponse(rollout);
});
