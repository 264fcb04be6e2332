// GET /api/v1/ingestion/health: per webhook source, last delivery, backlog, lag and latest failures.
import { jsonResponse } from "@/lib/api/json-response";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getIngestionHealth } from "@/lib/ingest/status/get-ingestion-health";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  return jsonResponse(await getIngestionHealth());
});
