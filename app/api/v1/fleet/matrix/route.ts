// GET /api/v1/fleet/matrix: one window of the fleet health matrix (docs/api.md). The fleet
// page fetches the windows that scroll into view; the browser never holds the whole fleet.
// The view's row index is reused for a few seconds, so scrolling costs no fleet-wide aggregate.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { fleetMatrixQuery } from "@/lib/fleet/fleet-matrix-query";
import { FLEET_ROW_INDEX_MAX_AGE_MS, listFleetMatrix } from "@/lib/fleet/list-fleet-matrix";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const options = readSearchParams(fleetMatrixQuery, request);
  return jsonResponse(await listFleetMatrix(options, undefined, { rowIndexMaxAgeMs: FLEET_ROW_INDEX_MAX_AGE_MS }));
});
