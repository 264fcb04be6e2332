// DELETE /api/v1/tokens/{id}: revoke an API token, one's own or (an admin) anyone's; the next
// request presenting it gets 401 (audited). 409 when it was already revoked.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { apiTokenIdParams, revokeApiTokenBody } from "@/lib/api-tokens/api-token-view";
import { revokeApiToken } from "@/lib/api-tokens/revoke-api-token";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const DELETE = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  const viewer = await requireReader(request);
  const { id } = readPathParams(apiTokenIdParams, await params);
  const body = await readJsonBody(request, revokeApiTokenBody);
  return jsonResponse(await revokeApiToken(viewer, id, auditContextOf(viewer, request, body.reason)));
});
