// What an Argo CD notification says of the application's Rollouts: each one's health (from
// status.resources) is merged into its progress, and an aborted Rollout marks the deployment of
// the sync operation the notification reports as failed. Only once that operation has finished:
// while a new sync runs, the Rollout can still show the abort of the previous one.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { isTerminalPhase } from "../deployments/merge-deployment-observation";
import { markDeploymentAborted } from "./mark-deployment-aborted";
import { mergeRolloutHealth } from "./merge-rollout-progress";
import { recordRolloutProgress } from "./record-rollout-progress";

/** Returns whether the deployment was marked failed by an abort. */
export async function recordRolloutHealth(db: DbOrTx, snapshot: ApplicationSnapshot, deploymentId: number | null): Promise<boolean> {
  let aborted = false;
  for (const resource of snapshot.rollouts ?? []) {
    const key = { instance: snapshot.instance, application: snapshot.name, namespace: resource.namespace, name: resource.name };
    await recordRolloutProgress(db, key, (current) => mergeRolloutHealth(current, resource, snapshot.observedAt));
    if (resource.aborted && deploymentId !== null && snapshot.operation && isTerminalPhase(snapshot.operation.phase)) {
      aborted = (await markDeploymentAborted(db, deploymentId, snapshot.observedAt)) || aborted;
    }
  }
  return aborted;
}
