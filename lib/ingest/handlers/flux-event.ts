// Any Flux event (the stored event name is its reason): read with the schema the receiver checked
// it against; a Kustomization's or HelmRelease's reconciliation at a revision is recorded as a
// deployment of that application (lib/deployments/record-flux-deployment.ts), anything else is
// kept and left alone with the reason why (lib/flux/read-flux-observation.ts).
import { config } from "../../env";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { recordFluxDeployment } from "../../deployments/record-flux-deployment";
import { configuredClassificationRules } from "../../fleet/configured-classification-rules";
import { fluxEventSchema } from "../../flux/flux-event";
import { readFluxObservation } from "../../flux/read-flux-observation";
import { type DeliveryHandler, ignored, parsePayload, processed } from "./delivery-handler";

export const handleFluxEvent: DeliveryHandler = async (payload, { db, directory }) => {
  const event = parsePayload(fluxEventSchema, payload, "Flux event");
  const observation = readFluxObservation(event, { defaultCluster: config().FLUX_CLUSTER, rules: configuredClassificationRules() });
  if (observation.kind === "ignored") return ignored(observation.reason);
  const recorded = await recordFluxDeployment(observation, { db, directory });
  // Open timelines hear of it when this delivery's transaction commits.
  await notifyDeploymentsChanged(db, [recorded.deploymentId]);
  return processed;
};
