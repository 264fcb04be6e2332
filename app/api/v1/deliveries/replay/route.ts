// POST /api/v1/deliveries/replay?source=…: every failed (retrying or quarantined) delivery of a
// source, or of all sources, back in the worker's queue. Open until sign-in arrives (issue 5).
import { readSearchParams } from "@/lib/api/read-search-params";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { replayFailedQuery } from "@/lib/ingest/request-delivery-replay";
import { replayDeliveries } from "@/lib/ingest/replay-deliveries";

export const POST = withErrorHandling(async (request) => {
  const { source } = readSearchParams(replayFailedQuery, request);
  const replayed = await replayDeliveries({ source, statuses: ["FAILED", "QUARANTINED"] });
  return Response.json({ replayed }, { status: 202, headers: { "Cache-Control": "no-store" } });
});
