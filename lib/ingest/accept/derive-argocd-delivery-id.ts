// Argo CD notifications carry no delivery id, so one is derived from what makes two
// notifications the same event. Same event = same Argo CD instance, same application
// (metadata.uid: a deleted and re-created app is another app), same trigger, and the same
// observed state: the sync operation (start, phase, finish, retry count, revision), the sync
// status and revision, the health status and its transition time, and the reconcile time.
//
// The state fields matter: on-health-degraded fires once per revision, and without health
// status a degraded → healthy pair of one operation would collapse into one row. reconciledAt
// separates a degraded → healthy → degraded sequence when Argo CD omits
// health.lastTransitionTime (before 2.12). Fields that change without the event changing
// (metadata.resourceVersion, annotations such as notified.notifications.argoproj.io that
// Argo CD writes after sending, status.resources) are left out, so a resend of one
// notification, trimmed or not, is recognised as a duplicate.
import { createHash } from "node:crypto";
import type { ArgocdNotification } from "./argocd-notification";

export function deriveArgocdDeliveryId(notification: ArgocdNotification): string {
  const { event, instance, app } = notification;
  const operation = app.status?.operationState;
  const sync = app.status?.sync;
  const health = app.status?.health;
  const identity = [
    "argocd-notification/v1",
    instance,
    app.metadata.uid ?? `${app.metadata.namespace}/${app.metadata.name}`,
    event,
    operation
      ? [
          operation.startedAt ?? null,
          operation.phase ?? null,
          operation.finishedAt ?? null,
          operation.retryCount ?? null,
          operation.syncResult?.revision ?? operation.operation?.sync?.revision ?? null,
          operation.syncResult?.revisions ?? operation.operation?.sync?.revisions ?? null,
        ]
      : null,
    [sync?.status ?? null, sync?.revision ?? null, sync?.revisions ?? null],
    [health?.status ?? null, health?.lastTransitionTime ?? null],
    app.status?.reconciledAt ?? null,
  ];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}
