// The body an Argo Rollouts notification template posts to Shiplog's Argo CD endpoint
// (docs/webhooks.md, "Argo Rollouts"):
//   {"event": "<trigger>", "instance": "<Argo CD name>", "rollout": {{toJson .rollout}}}
// Argo Rollouts' notification engine is Argo CD's (notifications-engine): the same webhook
// service, the same bearer token, and `instance` names the Argo CD that manages the Rollout, so
// its progress joins that instance's application. Only what the accept path needs is checked
// here; the worker reads the rest (lib/argo-rollouts/parse-rollout.ts).
import { createHash } from "node:crypto";
import { z } from "zod";
import { deliveryText } from "./delivery-text";

export const argoRolloutsNotificationSchema = z.looseObject({
  /** The trigger that fired (on-rollout-step-completed, on-rollout-aborted, …). */
  event: deliveryText(200),
  instance: deliveryText(200),
  rollout: z.looseObject({
    metadata: z.looseObject({
      name: deliveryText(253),
      namespace: deliveryText(253),
      uid: z.string().nullish(),
      resourceVersion: z.string().nullish(),
      generation: z.number().nullish(),
    }),
    status: z.unknown().optional(),
  }),
});

export type ArgoRolloutsNotification = z.infer<typeof argoRolloutsNotificationSchema>;

/** A notification carries a Rollout rather than an Application. */
export function isArgoRolloutsNotification(json: unknown): boolean {
  return typeof json === "object" && json !== null && "rollout" in json && !("app" in json);
}

/**
 * Notifications carry no delivery id. The same notification resent (the webhook service retries
 * on 5xx) has the same trigger, object version and status; a new state of the Rollout does not.
 */
export function deriveArgoRolloutsDeliveryId(notification: ArgoRolloutsNotification): string {
  const { event, instance, rollout } = notification;
  const identity = [
    "argo-rollouts-notification/v1",
    instance,
    rollout.metadata.uid ?? `${rollout.metadata.namespace}/${rollout.metadata.name}`,
    event,
    rollout.metadata.resourceVersion ?? null,
    rollout.metadata.generation ?? null,
    rollout.status ?? null,
  ];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

/** Deliveries of one Rollout are processed in order; its application's own key is not known here. */
export function argoRolloutsOrderingKey(notification: ArgoRolloutsNotification): string {
  return `${notification.instance}/rollout/${notification.rollout.metadata.namespace}/${notification.rollout.metadata.name}`;
}
