// An authenticated Argo CD notification → the row to store. Deliveries for one application
// (instance/namespace/name) are processed in order. Argo Rollouts' notifications come the same
// way, with a `rollout` instead of an `app` (argo-rollouts-notification.ts).
import type { NewDelivery } from "./accept-delivery";
import { argocdNotificationSchema } from "./argocd-notification";
import {
  argoRolloutsNotificationSchema,
  argoRolloutsOrderingKey,
  deriveArgoRolloutsDeliveryId,
  isArgoRolloutsNotification,
} from "./argo-rollouts-notification";
import type { Credential } from "./authenticate-bearer";
import { deriveArgocdDeliveryId } from "./derive-argocd-delivery-id";
import { parseJsonBody } from "./parse-json-body";
import { pickDeliveryHeaders } from "./pick-delivery-headers";
import type { RawBody } from "./read-body-with-limit";

export function parseArgocdDelivery(request: Request, body: RawBody, credential: Credential): NewDelivery {
  const { text, json } = parseJsonBody(body);
  if (isArgoRolloutsNotification(json)) {
    const notification = argoRolloutsNotificationSchema.parse(json);
    return {
      source: "ARGOCD",
      deliveryId: deriveArgoRolloutsDeliveryId(notification),
      event: notification.event,
      orderingKey: argoRolloutsOrderingKey(notification),
      headers: pickDeliveryHeaders(request.headers, credential),
      body: text,
    };
  }
  // A ZodError here becomes 400 with each issue's path (withErrorHandling).
  const notification = argocdNotificationSchema.parse(json);
  const { metadata } = notification.app;
  return {
    source: "ARGOCD",
    deliveryId: deriveArgocdDeliveryId(notification),
    event: notification.event,
    orderingKey: `${notification.instance}/${metadata.namespace}/${metadata.name}`,
    headers: pickDeliveryHeaders(request.headers, credential),
    body: text,
  };
}
