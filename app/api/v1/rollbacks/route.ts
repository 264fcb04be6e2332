// POST /api/v1/rollbacks: request a rollback (docs/api.md). The server plans again from the
// scope and target (a client's plan is never trusted); a reason and an Idempotency-Key header
// are required, so a double click or a retried request gives the same rollback (200 with the
// same ids) instead of a second one. One active rollback per application: 409 naming the one
// that holds it. Approved rollbacks (no approval needed) start at once.
// GET /api/v1/rollbacks?state=&service=: rollbacks newest first, keyset-paged.
import { z } from "zod";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { findRollbackScopeTeam } from "@/lib/rollback/find-rollback-scope-team";
import { listRollbacks, listRollbacksQuery } from "@/lib/rollback/list-rollbacks";
import { requestRollback } from "@/lib/rollback/request-rollback";
import { requestRollbackBodySchema } from "@/lib/rollback/request-rollback-body";
import { readJsonBody } from "./_shared/read-json-body";
import { actorOf, executeSoon, rollbackDependencies } from "./_shared/rollback-actor";

const idempotencyKeyHeader = z
  .string({ error: "the Idempotency-Key header is required (one value per rollback dialog, reused on retries)" })
  .trim()
  .min(8, "the Idempotency-Key header must be at least 8 characters")
  .max(200, "the Idempotency-Key header must be at most 200 characters");

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  await requireViewer(request);
  const key = idempotencyKeyHeader.safeParse(request.headers.get("idempotency-key") ?? undefined);
  if (!key.success) throw new AppError("bad_request", key.error.issues[0]!.message);
  const body = requestRollbackBodySchema.parse(await readJsonBody(request));
  const db = getDb();
  const { teamId } = await findRollbackScopeTeam(db, body.scope);
  const viewer = await requirePermission(request, "rollback", { teamId });
  const who = actorOf(viewer, request);
  const deps = rollbackDependencies(request);
  const result = await requestRollback(db, { ...body, idempotencyKey: key.data }, who, deps);
  if (!result.replayed && result.state === "APPROVED") executeSoon(result.rollbackIds[0]!, who, deps);
  const status = result.replayed ? 200 : 201;
  return Response.json({ ...result, url: `/rollbacks/${result.rollbackIds[0]}` }, { status, headers: { "Cache-Control": "no-store" } });
});

export const GET = withErrorHandling(async (request) => {
  await requireViewer(request);
  return jsonResponse(await listRollbacks(readSearchParams(listRollbacksQuery, request)));
});
