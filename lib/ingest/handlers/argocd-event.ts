// Any Argo CD notification (on-deployed, on-sync-running, on-health-degraded, a custom trigger,
// or the reconciliation poller's "poll"): the Application object it carries is the
// application's state at that moment, whatever the trigger was called, so each one records a
// snapshot. A deleted application (on-deleted, or an object whose deletion was requested) is then
// marked deleted. The poller reports an application Argo CD no longer lists as on-deleted with
// metadata alone: that marks the known application deleted and records nothing else.
import { configuredClassificationRules } from "../../fleet/configured-classification-rules";
import { recordApplicationSnapshot } from "../../applications/record-application-snapshot";
import { markApplicationDeleted } from "../../applications/mark-application-deleted";
import { applicationDeletionRequestedAt, applicationObjectSchema, parseApplication } from "../../argocd/parse-application";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { advanceRollbacks } from "../../rollback/advance-rollbacks";
import { argocdNotificationSchema } from "../accept/argocd-notification";
import { type DeliveryHandler, ignored, parsePayload, processed, readPayload } from "./delivery-handler";

export const handleArgocdEvent: DeliveryHandler = async (payload, { db, directory, effects }) => {
  const notification = parsePayload(argocdNotificationSchema, payload, "Argo CD notification");
  const { app, instance, event } = notification;
  const deletionRequestedAt = applicationDeletionRequestedAt(app);
  const deleted = event === "on-deleted" || deletionRequestedAt !== undefined;
  const identity = { instance, namespace: app.metadata.namespace, name: app.metadata.name, uid: app.metadata.uid };

  if (deleted && !applicationObjectSchema.shape.spec.safeParse(app.spec).success) {
    const at = deletionRequestedAt;
    if (!at) return ignored(`${event} without metadata.deletionTimestamp or spec: nothing to go by`);
    const marked = await markApplicationDeleted(db, identity, { deletedAt: at, observedAt: at }, configuredClassificationRules());
    return marked ? processed : ignored(`${identity.namespace}/${identity.name} deleted: not known, or observed since`);
  }

  const snapshot = readPayload("Argo CD Application (body.app)", () => parseApplication(app, instance));
  const recorded = await recordApplicationSnapshot(db, directory, snapshot, configuredClassificationRules());
  if (effects && !deleted) {
    // Applied in a batch: one NOTIFY and one rollback check for the whole batch, before it commits.
    if (recorded.deploymentId !== null) effects.deploymentChanged(recorded.deploymentId);
    effects.applicationRecorded(recorded.applicationId);
    return processed;
  }
  // Open timelines hear of the deployment when this delivery's transaction commits.
  if (recorded.deploymentId !== null) await notifyDeploymentsChanged(db, [recorded.deploymentId]);
  // A rollback waiting for this application's sync moves on from what was just recorded.
  await advanceRollbacks(db, { applicationIds: [recorded.applicationId] });
  if (deleted) {
    await markApplicationDeleted(db, identity, { deletedAt: deletionRequestedAt ?? snapshot.observedAt, observedAt: snapshot.observedAt }, configuredClassificationRules());
  }
  return processed;
};
