// An Argo Rollouts notification (on-rollout-step-completed, on-rollout-paused, on-rollout-aborted,
// on-rollout-completed, on-analysis-run-failed, …): the Rollout object it carries is merged into
// the Rollout's progress, and an abort marks the deployment it refused as failed.
import { findAbortedDeployment, markDeploymentAborted } from "../../argo-rollouts/mark-deployment-aborted";
import { mergeRolloutObservation } from "../../argo-rollouts/merge-rollout-progress";
import { parseRollout } from "../../argo-rollouts/parse-rollout";
import { recordRolloutProgress } from "../../argo-rollouts/record-rollout-progress";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { argoRolloutsNotificationSchema } from "../accept/argo-rollouts-notification";
import { type DeliveryHandler, ignored, parsePayload, processed, readPayload } from "./delivery-handler";

export const handleArgoRolloutsEvent: DeliveryHandler = async (payload, { db, effects }) => {
  const notification = parsePayload(argoRolloutsNotificationSchema, payload, "Argo Rollouts notification");
  const observation = readPayload("Argo Rollouts Rollout (body.rollout)", () => parseRollout(notification.rollout, notification.event));
  const application = observation.application;
  if (!application) {
    return ignored(
      `Rollout ${observation.namespace}/${observation.name} names no Argo CD application (no argocd.argoproj.io/tracking-id annotation or app.kubernetes.io/instance label)`,
    );
  }
  const key = { instance: notification.instance, application: application.name, namespace: observation.namespace, name: observation.name };
  await recordRolloutProgress(db, key, (current) => mergeRolloutObservation(current, observation));
  if (observation.abortedAt) {
    const deploymentId = await findAbortedDeployment(db, { instance: notification.instance, ...application }, observation.abortedAt);
    if (deploymentId !== null && (await markDeploymentAborted(db, deploymentId, observation.abortedAt))) {
      if (effects) effects.deploymentChanged(deploymentId);
      else await notifyDeploymentsChanged(db, [deploymentId]);
    }
  }
  return processed;
};
