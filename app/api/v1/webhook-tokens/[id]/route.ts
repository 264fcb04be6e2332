// DELETE /api/v1/webhook-tokens/{id}: an admin revokes a token; the next request presenting it
// gets 401 (audited). 409 when it was already revoked.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { revokeAuditedWebhookToken } from "@/lib/webhook-tokens/revoke-audited-webhook-token";
import { revokeWebhookTokenBody, webhookTokenIdParams } from "@/lib/webhook-tokens/webhook-token-view";

export const DELETE = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "admin");
  const { id } = readPathParams(webhookTokenIdParams, await params);
  const body = await readJsonBody(request, revokeWebhookTokenBody);
  return jsonResponse(await revokeAuditedWebhookToken(id, auditContextOf(viewer, request, body.reason)));
});
