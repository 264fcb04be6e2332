// POST /api/v1/users/{id}/grants: an admin grants a role, fleet-wide or for one team (audited).
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { grantRole } from "@/lib/users/grant-role";
import { grantRoleBody, userIdParams } from "@/lib/users/user-view";

export const POST = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "admin");
  const { id } = readPathParams(userIdParams, await params);
  const body = await readJsonBody(request, grantRoleBody);
  const grant = await grantRole(id, { role: body.role, teamId: body.teamId }, auditContextOf(viewer, request, body.reason));
  return jsonResponse(grant, { Location: `/api/v1/users/${encodeURIComponent(id)}/grants/${grant.id}` });
});
