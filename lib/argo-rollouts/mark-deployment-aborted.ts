// An aborted Rollout is a failed deployment (DORA's change failure rate counts it), whatever
// Argo CD's sync operation said: the sync applied the new pod template, and Argo Rollouts then
// refused it. The deployment keeps the earliest abort time (rollout_aborted_at) so that later
// merges of its Argo CD observations derive FAILED again (derive-deployment-status.ts).
import type { DbOrTx } from "../db/client";

/** Marks the deployment; returns whether that changed it (a repeated abort does not). */
export async function markDeploymentAborted(db: DbOrTx, deploymentId: number, abortedAt: Date): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE deployments SET rollout_aborted_at = LEAST(coalesce(rollout_aborted_at, ${abortedAt}), ${abortedAt}),
      status = 'FAILED', updated_at = now()
    WHERE id = ${deploymentId} AND (rollout_aborted_at IS NULL OR rollout_aborted_at > ${abortedAt} OR status <> 'FAILED')`;
  return updated > 0;
}

/**
 * The deployment a Rollout of `application` aborted at `abortedAt`: the application's latest
 * sync operation started by then. Null while Argo CD has not reported one (its own notification
 * carries the abort too: rollout-resources.ts).
 */
export async function findAbortedDeployment(
  db: DbOrTx,
  application: { instance: string; name: string; namespace?: string },
  abortedAt: Date,
): Promise<number | null> {
  const namespace = application.namespace ?? null;
  const [row] = await db.$queryRaw<{ id: number }[]>`
    SELECT d.id FROM applications a
    JOIN argo_instances i ON i.id = a.argo_instance_id
    JOIN LATERAL (
      SELECT id FROM deployments WHERE application_id = a.id AND started_at <= ${abortedAt} ORDER BY started_at DESC LIMIT 1
    ) d ON true
    WHERE i.name = ${application.instance} AND a.name = ${application.name} AND (${namespace}::text IS NULL OR a.namespace = ${namespace})
      AND a.deleted_at IS NULL
    ORDER BY a.id LIMIT 1`;
  return row?.id ?? null;
}
