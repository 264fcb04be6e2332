// GET /api/v1/releases/{id}: one release, what it carries, where it runs and how it rolled out.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getRelease, getReleaseParams } from "@/lib/releases/get-release";

export const GET = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { id } = readPathParams(getReleaseParams, await params);
  const release = await getRelease(id);
  if (!release) throw new AppError("not_found", `No release has id ${id}.`);
  return jsonResponse(release);
});
