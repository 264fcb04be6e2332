// GET /api/v1/metrics/definitions: the DORA definitions in force.
// PUT: replaces them (validated; 400 with the reason) and recomputes the rollups; admins
// only, same-origin requests only.
import { refuseNulInBody } from "@/lib/api/plain-text";
import { jsonResponse } from "@/lib/api/json-response";
import { auditContextOf } from "@/lib/audit/audit-context";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission, requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getDoraDefinitions } from "@/lib/metrics/get-dora-definitions";
import { updateDoraDefinitions } from "@/lib/metrics/update-dora-definitions";

const MAX_BODY_BYTES = 16_384;

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  return jsonResponse(await getDoraDefinitions());
});

export const PUT = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  const viewer = await requirePermission(request, "admin");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `The body is over ${MAX_BODY_BYTES} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `The body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  refuseNulInBody(body);
  // The change and its audit event (previous and new definitions) commit together.
  return jsonResponse(await updateDoraDefinitions(body, getDb(), auditContextOf(viewer, request)));
});
