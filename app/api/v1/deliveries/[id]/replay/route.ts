// POST /api/v1/deliveries/{id}/replay: puts one stored delivery back in the worker's queue.
// Needs the engineer role (replay) and a same-origin request.
import { readPathParams } from "@/lib/api/read-path-params";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { AppError } from "@/lib/http/app-error";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { deliveryIdParams, replayBody, requestDeliveryReplay } from "@/lib/ingest/replay/request-delivery-replay";
import { getDb } from "@/lib/db/client";

export const POST = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "replay");
  const { id } = readPathParams(deliveryIdParams, await params);
  const { reason } = await readJsonBody(request, replayBody);
  // Audited in the replay's own transaction (refusals too), with the request id.
  const outcome = await requestDeliveryReplay(id, getDb(), auditContextOf(viewer, request, reason));
  switch (outcome.kind) {
    case "not_found":
      throw new AppError("not_found", `No stored delivery has id ${id}.`);
    case "processing":
      throw new AppError("conflict", `Delivery ${id} is being processed right now; replay it again once it has finished if it fails.`);
    case "queued":
      throw new AppError("conflict", `Delivery ${id} already waits in the queue; the worker takes it next.`);
    case "replayed":
      return Response.json(outcome.delivery, { status: 202, headers: { "Cache-Control": "no-store" } });
  }
});
