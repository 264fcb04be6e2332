// POST /api/v1/account/password: the signed-in person changes their own password (same-origin,
// a session, not an API token; throttled like sign-in; audited as password.changed).
import { readJsonBody } from "@/lib/audit/read-json-body";
import { changeOwnPassword } from "@/lib/auth/change-own-password";
import { changePasswordBody } from "@/lib/auth/change-password-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requireViewer } from "@/lib/auth/require-viewer";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  const viewer = await requireViewer(request);
  const body = await readJsonBody(request, changePasswordBody);
  const { result, setCookies } = await changeOwnPassword(viewer, request, body);
  const response = jsonResponse(result);
  for (const cookie of setCookies) response.headers.append("Set-Cookie", cookie);
  return response;
});
