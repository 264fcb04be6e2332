// GET /api/v1/releases/{id}/compare/{otherId}: the commits and pull requests between two releases of one service.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { compareReleases, compareReleasesParams } from "@/lib/releases/compare-releases";

export const GET = withErrorHandling<{ params: Promise<{ id: string; otherId: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { id, otherId } = readPathParams(compareReleasesParams, await params);
  const comparison = await compareReleases(id, otherId);
  if (!comparison) throw new AppError("not_found", `Releases ${id} and ${otherId} are not two known releases of one service.`);
  return jsonResponse(comparison);
});
