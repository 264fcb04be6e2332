// GET /api/v1/webhook-tokens: the database webhook tokens (names and dates, never the token).
// POST: an admin creates one; the answer carries the token, shown this once (audited).
import { jsonResponse } from "@/lib/api/json-response";
import { auditContextOf } from "@/lib/audit/audit-context";
import { readJsonBody } from "@/lib/audit/read-json-body";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { createAuditedWebhookToken } from "@/lib/webhook-tokens/create-audited-webhook-token";
import { listWebhookTokenViews } from "@/lib/webhook-tokens/list-webhook-token-views";
import { createWebhookTokenBody } from "@/lib/webhook-tokens/webhook-token-view";

export const GET = withErrorHandling(async (request) => {
  await requirePermission(request, "admin");
  return jsonResponse({ items: await listWebhookTokenViews() });
});

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "admin");
  const body = await readJsonBody(request, createWebhookTokenBody);
  const created = await createAuditedWebhookToken(body.source, body.name, auditContextOf(viewer, request, body.reason));
  return Response.json(created, { status: 201, headers: { "Cache-Control": "no-store", Location: `/api/v1/webhook-tokens/${created.id}` } });
});
