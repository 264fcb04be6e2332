// POST /api/v1/deliveries/replay?source=…: every failed (retrying or quarantined) delivery of a
// source, or of all sources, back in the worker's queue. Engineers, same-origin requests only.
import { readSearchParams } from "@/lib/api/read-search-params";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getDb } from "@/lib/db/client";
import { replayBody, replayFailedQuery } from "@/lib/ingest/replay/request-delivery-replay";
import { replayDeliveries } from "@/lib/ingest/replay/replay-deliveries";

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "replay");
  const { source } = readSearchParams(replayFailedQuery, request);
  const { reason } = await readJsonBody(request, replayBody);
  const replayed = await replayDeliveries({ source, statuses: ["FAILED", "QUARANTINED"] }, getDb(), auditContextOf(viewer, request, reason));
  return Response.json({ replayed }, { status: 202, headers: { "Cache-Control": "no-store" } });
});
