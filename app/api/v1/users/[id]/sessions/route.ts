// DELETE /api/v1/users/{id}/sessions: an admin signs a person out everywhere (audited).
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { revokeUserSessions } from "@/lib/users/revoke-user-sessions";
import { reasonBody, userIdParams } from "@/lib/users/user-view";

export const DELETE = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "admin");
  const { id } = readPathParams(userIdParams, await params);
  const body = await readJsonBody(request, reasonBody);
  return jsonResponse(await revokeUserSessions(id, auditContextOf(viewer, request, body.reason)));
});
