// GET /api/v1/tokens: the caller's API tokens (an admin also sees every service token); never the
// token itself. POST: a signed-in person creates one (a service token: a fleet-wide admin), at most
// their own role; the answer carries the token, shown this once (audited). Creating needs a
// session: a token cannot mint tokens that would outlive it.
import { jsonResponse } from "@/lib/api/json-response";
import { createApiToken } from "@/lib/api-tokens/create-api-token";
import { createApiTokenBody } from "@/lib/api-tokens/api-token-view";
import { listApiTokens } from "@/lib/api-tokens/list-api-tokens";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requireReader } from "@/lib/auth/require-viewer";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async (request) => {
  const viewer = await requireReader(request);
  return jsonResponse({ items: await listApiTokens(viewer) });
});

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  const viewer = await requireReader(request);
  if (viewer.token) throw new AppError("forbidden", "API tokens are created by a signed-in person, not by another token.");
  const body = await readJsonBody(request, createApiTokenBody);
  const created = await createApiToken(viewer, body, auditContextOf(viewer, request, body.reason));
  return Response.json(created, { status: 201, headers: { "Cache-Control": "no-store", Location: `/api/v1/tokens/${created.id}` } });
});
