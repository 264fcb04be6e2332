// POST /api/v1/rollbacks/plan: what a rollback would do, before anything happens (docs/api.md):
// target and candidates, method per application, clusters and waves, auto-sync, approval, and
// with `dryRun` Argo CD's or GitHub's answer to a dry run. Changes nothing, but calls Argo CD
// and GitHub on the person's behalf, so it needs the rollback permission for the service's team.
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import { jsonResponse } from "@/lib/api/json-response";
import { getDb } from "@/lib/db/client";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { findRollbackScopeTeam } from "@/lib/rollback/find-rollback-scope-team";
import { planRollback } from "@/lib/rollback/plan-rollback";
import { planRollbackInputSchema } from "@/lib/rollback/rollback-plan";
import { readJsonBody } from "../_shared/read-json-body";
import { rollbackDependencies } from "../_shared/rollback-actor";

export const POST = withErrorHandling(async (request) => {
  assertSameOrigin(request);
  await requireViewer(request);
  const input = planRollbackInputSchema.parse(await readJsonBody(request));
  const { teamId } = await findRollbackScopeTeam(getDb(), input.scope);
  await requirePermission(request, "rollback", { teamId });
  return jsonResponse(await planRollback(getDb(), input, rollbackDependencies(request)));
});
