// A deployment event from any deployer (POST /api/webhooks/deployments): read back with the
// schema the receiver checked it against and recorded as a deployment of the service's
// application for its environment and target (lib/deployments/record-deployer-deployment.ts).
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { recordDeployerDeployment } from "../../deployments/record-deployer-deployment";
import { deploymentEventSchema } from "../accept/deployment-event";
import { type DeliveryHandler, parsePayload, processed } from "./delivery-handler";

export const handleDeploymentEvent: DeliveryHandler = async (payload, { db, directory }) => {
  const event = parsePayload(deploymentEventSchema, payload, "deployment event");
  const recorded = await recordDeployerDeployment(event, { db, directory });
  // Open timelines hear of it when this delivery's transaction commits.
  await notifyDeploymentsChanged(db, [recorded.deploymentId]);
  return processed;
};
