// `deployment_status` (created): a GitHub deployment moved to pending, in_progress, success,
// failure, error or inactive. Merged into the deployment it belongs to; the deployment's own
// fields come along, so a status that arrives before its `deployment` event creates it. A success
// (or inactive) makes the deployed commit's release current in the environment, recording the
// release when the service has none for that commit.
import { z } from "zod";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { recordGithubDeployment } from "../../deployments/record-github-deployment";
import { githubTime, repositoryRef } from "../../github/webhook-fields";
import { type DeliveryHandler, parsePayload, processed } from "./delivery-handler";
import { githubDeploymentFields, githubDeploymentSchema } from "./github-deployment";

const deploymentStatusEventSchema = z.object({
  repository: repositoryRef,
  deployment: githubDeploymentSchema,
  deployment_status: z.object({
    state: z.enum(["pending", "queued", "in_progress", "waiting", "success", "failure", "error", "inactive"]),
    description: z.string().nullish(),
    created_at: githubTime,
    updated_at: githubTime.nullish(),
  }),
});

export const handleGithubDeploymentStatus: DeliveryHandler = async (payload, { db, directory }) => {
  const { repository, deployment, deployment_status: status } = parsePayload(
    deploymentStatusEventSchema,
    payload,
    "deployment_status payload",
  );
  const times = [status.updated_at, status.created_at, deployment.updated_at].filter((time): time is Date => time != null);
  const recorded = await recordGithubDeployment(db, directory, {
    ...githubDeploymentFields(repository.full_name, deployment),
    status: { state: status.state, at: status.created_at, description: status.description ?? null },
    observedAt: new Date(Math.max(...times.map((time) => time.getTime()))),
  });
  // Open timelines hear of it when this delivery's transaction commits.
  await notifyDeploymentsChanged(db, [recorded.deploymentId, ...recorded.relinkedDeploymentIds]);
  return processed;
};
