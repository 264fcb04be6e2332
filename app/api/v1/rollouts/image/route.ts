// GET /api/v1/rollouts/image?ref=…: one image tag (a shared base image, a sidecar) moving across the fleet.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getImageRollout, getImageRolloutQuery } from "@/lib/rollouts/get-image-rollout";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  return jsonResponse(await getImageRollout(readSearchParams(getImageRolloutQuery, request)));
});
