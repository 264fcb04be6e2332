// DELETE /api/v1/users/{id}/grants/{grantId}: an admin revokes a manual grant (audited); 409 for
// identity-provider grants and for the last fleet-wide admin.
import { readPathParams } from "@/lib/api/read-path-params";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { revokeRole } from "@/lib/users/revoke-role";
import { reasonBody, userGrantParams } from "@/lib/users/user-view";

export const DELETE = withErrorHandling<{ params: Promise<{ id: string; grantId: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "admin");
  const { id, grantId } = readPathParams(userGrantParams, await params);
  const body = await readJsonBody(request, reasonBody);
  await revokeRole(id, grantId, auditContextOf(viewer, request, body.reason));
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
