// GET /api/v1/metrics/teams: every team's four DORA keys over one window, with performance levels (docs/api.md).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { doraTeamsQuery } from "@/lib/metrics/dora-query";
import { listDoraTeamComparison } from "@/lib/metrics/list-dora-team-comparison";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { per, sort, order, ...window } = readSearchParams(doraTeamsQuery, request);
  return jsonResponse(await listDoraTeamComparison({ ...window, granularity: per, sort: { by: sort, order } }));
});
