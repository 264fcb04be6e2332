// POST /api/v1/rollbacks/{id}/approve: a second person approves a rollback waiting for approval
// (every rollback of its group); the requester never can (403). Then it starts at once.
import { readPathParams } from "@/lib/api/read-path-params";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import { jsonResponse } from "@/lib/api/json-response";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { approveRollback } from "@/lib/rollback/approve-rollback";
import { getRollback } from "@/lib/rollback/get-rollback";
import { getRollbackGroup, rollbackIdParams } from "@/lib/rollback/get-rollback-group";
import { actorOf, executeSoon, rollbackDependencies } from "../../_shared/rollback-actor";

export const POST = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  assertSameOrigin(request);
  await requireViewer(request);
  const { id } = readPathParams(rollbackIdParams, await params);
  const db = getDb();
  const rollback = await getRollback(db, id);
  if (!rollback) throw new AppError("not_found", `Rollback ${id} does not exist.`);
  const viewer = await requirePermission(request, "approve-rollback", { teamId: rollback.service.teamId });
  const who = actorOf(viewer, request);
  const { approvedIds } = await approveRollback(db, id, who);
  executeSoon(approvedIds[0]!, who, rollbackDependencies(request));
  return jsonResponse(await getRollbackGroup(db, id));
});
