// Moves started rollbacks on from what Argo CD reported: called by the Argo CD event handler
// (inside the delivery's transaction, right after the application snapshot is recorded) for
// one application, and by the rollback runner for every active rollback (time limits). A
// failure stops the rest of its group: later waves are cancelled. Database work only.
import { SYSTEM_ACTOR } from "./rollback-states";
import type { DbOrTx } from "../db/client";
import type { HealthStatus, OperationPhase, RollbackState } from "../generated/prisma/enums";
import { decideRollbackProgress } from "./decide-rollback-progress";
import { stopRollbackGroup } from "./stop-rollback-group";
import { transitionRollback } from "./transition-rollback";

export type AdvanceResult = { succeeded: number[]; failed: number[] };

type Row = {
  id: number;
  state: RollbackState;
  application_id: number;
  group_id: string | null;
  to_release_id: number;
  to_version: string;
  application_name: string;
  state_changed_at: Date;
  executing_since: Date | null;
  current_release_id: number | null;
  health_status: HealthStatus;
  d_id: number | null;
  d_release_id: number | null;
  d_phase: OperationPhase | null;
  d_started_at: Date | null;
  d_message: string | null;
};

export async function advanceRollbacks(
  db: DbOrTx,
  options: { applicationIds?: number[]; now?: Date; timeoutMs?: number },
): Promise<AdvanceResult> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const ids = options.applicationIds ?? null;
  // The partial unique index on active rollbacks answers the per-application lookup.
  const rows = await db.$queryRaw<Row[]>`
    SELECT rb.id, rb.state, rb.application_id, rb.group_id, rb.to_release_id, r.version AS to_version, a.name AS application_name,
           rb.state_changed_at, t.at AS executing_since, a.current_release_id, a.health_status,
           d.id AS d_id, d.release_id AS d_release_id, d.phase AS d_phase, d.started_at AS d_started_at, d.message AS d_message
    FROM rollbacks rb
    JOIN applications a ON a.id = rb.application_id
    JOIN releases r ON r.id = rb.to_release_id
    LEFT JOIN deployments d ON d.id = a.last_deployment_id
    LEFT JOIN LATERAL (
      SELECT max(at) AS at FROM rollback_transitions WHERE rollback_id = rb.id AND to_state = 'EXECUTING'
    ) t ON true
    WHERE rb.state IN ('EXECUTING', 'WAITING_FOR_SYNC')
      AND (${ids}::int[] IS NULL OR rb.application_id = ANY(${ids}::int[]))
    FOR UPDATE OF rb`;
  const result: AdvanceResult = { succeeded: [], failed: [] };
  for (const row of rows) {
    const progress = decideRollbackProgress({
      state: row.state,
      toReleaseId: row.to_release_id,
      toVersion: row.to_version,
      applicationName: row.application_name,
      executingSince: row.executing_since ?? row.state_changed_at,
      stateChangedAt: row.state_changed_at,
      now,
      timeoutMs,
      application: { currentReleaseId: row.current_release_id, healthStatus: row.health_status },
      lastDeployment:
        row.d_id === null ? null : { id: row.d_id, releaseId: row.d_release_id, phase: row.d_phase!, startedAt: row.d_started_at!, message: row.d_message },
    });
    if (progress.kind === "wait") continue;
    const ref = { id: row.id, state: row.state, applicationId: row.application_id, groupId: row.group_id };
    if (progress.kind === "succeeded") {
      const moved = await transitionRollback(db, ref, "SUCCEEDED", {
        actor: SYSTEM_ACTOR,
        note: `${row.application_name} runs ${row.to_version} healthy`,
        data: { resultDeploymentId: progress.deploymentId },
        at: now,
      });
      if (moved) result.succeeded.push(row.id);
    } else {
      const moved = await transitionRollback(db, ref, "FAILED", { actor: SYSTEM_ACTOR, note: progress.reason, data: { error: progress.reason }, at: now });
      if (moved) {
        result.failed.push(row.id);
        if (row.group_id) await stopRollbackGroup(db, row.group_id, `rollback #${row.id} failed: ${progress.reason}`, now);
      }
    }
  }
  return result;
}
