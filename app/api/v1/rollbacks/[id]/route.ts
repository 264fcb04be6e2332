// GET /api/v1/rollbacks/{id}: one rollback with every rollback of its group (a release rolled
// back across clusters, in waves), each with its transitions, and the group's state; what the
// rollback page polls while it runs.
import { readPathParams } from "@/lib/api/read-path-params";
import { requireViewer } from "@/lib/auth/require-viewer";
import { jsonResponse } from "@/lib/api/json-response";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { getRollbackGroup, rollbackIdParams } from "@/lib/rollback/get-rollback-group";

export const GET = withErrorHandling<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  await requireViewer(request);
  const { id } = readPathParams(rollbackIdParams, await params);
  const group = await getRollbackGroup(getDb(), id);
  if (!group) throw new AppError("not_found", `Rollback ${id} does not exist.`);
  return jsonResponse(group);
});
