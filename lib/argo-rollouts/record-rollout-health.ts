// What an Argo CD notification says of the application's Rollouts: each one's health (from
// status.resources) is merged into its progress, and an aborted Rollout marks the deployment of
// the sync operation the notification reports as failed. Only once that operation has finished:
// while a new sync runs, the Rollout can still show the abort of the previous one. An abort Argo
// Rollouts reported before Argo CD reported the deployment it refused is applied now, so the
// deployment fails whichever notification came first.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { isTerminalPhase } from "../deployments/merge-deployment-observation";
import { findAbortedDeployment, markDeploymentAborted } from "./mark-deployment-aborted";
import { mergeRolloutHealth } from "./merge-rollout-progress";
import { recordRolloutProgress } from "./record-rollout-progress";

/** Returns whether an abort changed a deployment (marked it failed, or earlier). */
export async function recordRolloutHealth(db: DbOrTx, snapshot: ApplicationSnapshot, deploymentId: number | null): Promise<boolean> {
  let aborted = false;
  for (const resource of snapshot.rollouts ?? []) {
    const key = { instance: snapshot.instance, application: snapshot.name, namespace: resource.namespace, name: resource.name };
    await recordRolloutProgress(db, key, (current) => mergeRolloutHealth(current, resource, snapshot.observedAt));
    if (resource.aborted && deploymentId !== null && snapshot.operation && isTerminalPhase(snapshot.operation.phase)) {
      aborted = (await markDeploymentAborted(db, deploymentId, snapshot.observedAt)) || aborted;
    }
  }
  if ((snapshot.rollouts?.length ?? 0) > 0 && deploymentId !== null) {
    const reported = await db.$queryRaw<{ aborted_at: Date }[]>`
      SELECT aborted_at FROM argo_rollouts
      WHERE argo_instance = ${snapshot.instance} AND application = ${snapshot.name} AND aborted AND aborted_at IS NOT NULL`;
    for (const { aborted_at: at } of reported) {
      const refused = await findAbortedDeployment(db, { instance: snapshot.instance, name: snapshot.name, namespace: snapshot.namespace }, at);
      if (refused !== null) aborted = (await markDeploymentAborted(db, refused, at)) || aborted;
    }
  }
  return aborted;
}
