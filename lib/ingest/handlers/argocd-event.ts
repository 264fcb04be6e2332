// Any Argo CD notification (on-deployed, on-sync-running, on-health-degraded, a custom trigger,
// or the reconciliation poller's "poll"): the Application object it carries is the
// application's state at that moment, whatever the trigger was called, so each one records a
// snapshot. A deleted application (on-deleted, or an object whose deletion was requested) is then
// marked deleted. The poller reports an application Argo CD no longer lists as on-deleted with
// metadata alone: that marks the known application deleted and records nothing else.
//
// Each Rollout among the application's resources has its health merged into its progress
// (lib/argo-rollouts). Argo Rollouts' own notifications share the endpoint and are handed to
// handleArgoRolloutsEvent.
//
// handleArgocdEvents does the same for a batch of deliveries: their snapshots are recorded
// together with set-based statements (recordApplicationSnapshots), which write exactly what
// recording them one at a time would; deletions go one at a time, in their place.
import { configuredClassificationRules } from "../../fleet/configured-classification-rules";
import type { ApplicationSnapshot } from "../../argocd/application-snapshot";
import { recordApplicationSnapshot } from "../../applications/record-application-snapshot";
import { recordApplicationSnapshots } from "../../applications/record-application-snapshots";
import { markApplicationDeleted } from "../../applications/mark-application-deleted";
import { applicationDeletionRequestedAt, applicationObjectSchema, parseApplication } from "../../argocd/parse-application";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { advancePromotions } from "../../promotions/advance-promotions";
import { advanceRollbacks } from "../../rollback/advance-rollbacks";
import { argocdNotificationSchema } from "../accept/argocd-notification";
import { isArgoRolloutsNotification } from "../accept/argo-rollouts-notification";
import { recordRolloutHealth } from "../../argo-rollouts/record-rollout-health";
import { handleArgoRolloutsEvent } from "./argo-rollouts-event";
import type { DeliveryEffects } from "./delivery-effects";
import { type DeliveryHandler, type HandlerContext, type HandlerOutcome, ignored, parsePayload, processed, readPayload } from "./delivery-handler";

export const handleArgocdEvent: DeliveryHandler = async (payload, context) => {
  // Argo Rollouts' notifications come to the same endpoint, with a Rollout instead of an Application.
  if (isArgoRolloutsNotification(payload)) return handleArgoRolloutsEvent(payload, context);
  const { db, directory, effects } = context;
  const event = readArgocdEvent(payload);
  const rules = configuredClassificationRules();
  if (event.kind === "deleted") {
    const at = event.deletionRequestedAt;
    if (!at) return ignored(`${event.name} without metadata.deletionTimestamp or spec: nothing to go by`);
    const marked = await markApplicationDeleted(db, event.identity, { deletedAt: at, observedAt: at }, rules);
    return marked ? processed : ignored(`${event.identity.namespace}/${event.identity.name} deleted: not known, or observed since`);
  }

  const { snapshot } = event;
  const recorded = await recordApplicationSnapshot(db, directory, snapshot, rules);
  await recordRolloutHealth(db, snapshot, recorded.deploymentId);
  if (effects && !event.deleted) {
    // Applied in a batch: one NOTIFY and one rollback check for the whole batch, before it commits.
    announce(effects, recorded);
    return processed;
  }
  // Open timelines hear of the deployment when this delivery's transaction commits.
  if (recorded.deploymentId !== null) await notifyDeploymentsChanged(db, [recorded.deploymentId]);
  // A rollback waiting for this application's sync moves on from what was just recorded.
  await advanceRollbacks(db, { applicationIds: [recorded.applicationId] });
  // So does a promotion wave waiting for it to run the release Synced and Healthy.
  await advancePromotions(db, { applicationIds: [recorded.applicationId] });
  if (event.deleted) {
    await markApplicationDeleted(db, event.identity, { deletedAt: event.deletionRequestedAt ?? snapshot.observedAt, observedAt: snapshot.observedAt }, rules);
  }
  return processed;
};

/**
 * Several Argo CD deliveries applied in one transaction, in order (several of one application
 * among them, possibly): one outcome per payload, in order. Runs of snapshots of live
 * applications are recorded together; a delivery that deletes its application, or an Argo
 * Rollouts notification, is handled alone, after the run before it.
 */
export async function handleArgocdEvents(payloads: unknown[], context: Omit<HandlerContext, "delivery"> & { effects: DeliveryEffects }): Promise<HandlerOutcome[]> {
  const outcomes = new Array<HandlerOutcome>(payloads.length);
  let live: { index: number; snapshot: ApplicationSnapshot }[] = [];
  const recordLive = async () => {
    const recorded = await recordApplicationSnapshots(context.db, context.directory, live.map((entry) => entry.snapshot), configuredClassificationRules());
    for (const [position, { index, snapshot }] of live.entries()) {
      await recordRolloutHealth(context.db, snapshot, recorded[position]!.deploymentId);
      announce(context.effects, recorded[position]!);
      outcomes[index] = processed;
    }
    live = [];
  };
  for (const [index, payload] of payloads.entries()) {
    // Argo Rollouts' notifications (no Application) go to their own handler.
    const event = isArgoRolloutsNotification(payload) ? null : readArgocdEvent(payload);
    if (event?.kind === "snapshot" && !event.deleted) {
      live.push({ index, snapshot: event.snapshot });
      continue;
    }
    await recordLive();
    outcomes[index] = await handleArgocdEvent(payload, context as HandlerContext);
  }
  await recordLive();
  return outcomes;
}

type ArgocdEvent =
  | { kind: "snapshot"; snapshot: ApplicationSnapshot; deleted: boolean; deletionRequestedAt: Date | undefined; identity: ApplicationIdentity }
  | { kind: "deleted"; name: string; deletionRequestedAt: Date | undefined; identity: ApplicationIdentity };

type ApplicationIdentity = Parameters<typeof markApplicationDeleted>[1];

/** Validates a notification and reads what it says: a snapshot, or only that the application is gone. */
function readArgocdEvent(payload: unknown): ArgocdEvent {
  const notification = parsePayload(argocdNotificationSchema, payload, "Argo CD notification");
  const { app, instance, event } = notification;
  const deletionRequestedAt = applicationDeletionRequestedAt(app);
  const deleted = event === "on-deleted" || deletionRequestedAt !== undefined;
  const identity = { instance, namespace: app.metadata.namespace, name: app.metadata.name, uid: app.metadata.uid };
  if (deleted && !applicationObjectSchema.shape.spec.safeParse(app.spec).success) return { kind: "deleted", name: event, deletionRequestedAt, identity };
  const snapshot = readPayload("Argo CD Application (body.app)", () => parseApplication(app, instance));
  return { kind: "snapshot", snapshot, deleted, deletionRequestedAt, identity };
}

function announce(effects: DeliveryEffects, recorded: { applicationId: number; deploymentId: number | null }): void {
  if (recorded.deploymentId !== null) effects.deploymentChanged(recorded.deploymentId);
  effects.applicationRecorded(recorded.applicationId);
}
