// The body an Argo CD Notifications webhook template posts to Shiplog (docs/webhooks.md):
//   {"event": "<trigger>", "instance": "<Argo CD name>", "app": {{toJson .app}}}
// Only what the accept path needs is checked here; the rest of the Application object is kept
// as sent (loose objects) for processing to read.
import { z } from "zod";
import { deliveryText } from "./delivery-text";

const optionalText = z.string().nullish();
const revisions = z.array(z.string()).nullish();

export const argocdApplicationSchema = z.looseObject({
  metadata: z.looseObject({
    // Kubernetes names are at most 253 characters.
    name: deliveryText(253),
    namespace: deliveryText(253),
    uid: optionalText,
  }),
  status: z
    .looseObject({
      reconciledAt: optionalText,
      health: z.looseObject({ status: optionalText, lastTransitionTime: optionalText }).nullish(),
      sync: z.looseObject({ status: optionalText, revision: optionalText, revisions }).nullish(),
      operationState: z
        .looseObject({
          phase: optionalText,
          startedAt: optionalText,
          finishedAt: optionalText,
          retryCount: z.number().nullish(),
          operation: z.looseObject({ sync: z.looseObject({ revision: optionalText, revisions }).nullish() }).nullish(),
          syncResult: z.looseObject({ revision: optionalText, revisions }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export const argocdNotificationSchema = z.looseObject({
  /** The trigger that fired (on-deployed, on-health-degraded, …). */
  event: deliveryText(200),
  /** The Argo CD instance's name as configured in its template; Shiplog's key for it. */
  instance: deliveryText(200),
  app: argocdApplicationSchema,
});

export type ArgocdNotification = z.infer<typeof argocdNotificationSchema>;
