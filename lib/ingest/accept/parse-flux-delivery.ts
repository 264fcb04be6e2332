// An authenticated Flux event → the row to store. Every event is kept, whatever its kind (the
// worker decides which to act on). The delivery id is derived from the event
// (derive-flux-delivery-id.ts); events of one object on one cluster are processed in order.
import { config } from "../../env";
import { fluxClusterOf, fluxEventSchema } from "../../flux/flux-event";
import type { NewDelivery } from "./accept-delivery";
import type { Credential } from "./authenticate-bearer";
import { deriveFluxDeliveryId } from "./derive-flux-delivery-id";
import { parseJsonBody } from "./parse-json-body";
import { pickDeliveryHeaders } from "./pick-delivery-headers";
import type { RawBody } from "./read-body-with-limit";

export function parseFluxDelivery(request: Request, body: RawBody, credential: Credential, defaultCluster = config().FLUX_CLUSTER): NewDelivery {
  const { text, json } = parseJsonBody(body);
  // A ZodError here becomes 400 with each issue's path (withErrorHandling).
  const event = fluxEventSchema.parse(json);
  const cluster = fluxClusterOf(event, defaultCluster);
  const { kind, namespace, name } = event.involvedObject;
  return {
    source: "FLUX",
    deliveryId: deriveFluxDeliveryId(event, cluster),
    event: event.reason,
    orderingKey: `${cluster}/${kind}/${namespace}/${name}`.slice(0, 500),
    headers: pickDeliveryHeaders(request.headers, credential),
    body: text,
  };
}
