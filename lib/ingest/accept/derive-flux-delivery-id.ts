// Flux sends no delivery id, so one is derived from what makes two deliveries the same event:
// the cluster, the object (its uid when sent: a deleted and re-created object is another one),
// the reason, severity, message, revision and timestamp. notification-controller's retries
// resend the same body, and two Alerts forwarding one event to the same Provider differ only in
// what they add to metadata (summary, eventMetadata), which is left out: both are duplicates.
import { createHash } from "node:crypto";
import { type FluxEvent, fluxMetadataValue } from "../../flux/flux-event";

export function deriveFluxDeliveryId(event: FluxEvent, cluster: string): string {
  const { kind, namespace, name, uid } = event.involvedObject;
  const identity = [
    "flux-event/v1",
    cluster,
    [kind, namespace, name, uid ?? null],
    event.reason,
    event.severity,
    new Date(event.timestamp).toISOString(),
    fluxMetadataValue(event, "revision") ?? null,
    event.message,
  ];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}
