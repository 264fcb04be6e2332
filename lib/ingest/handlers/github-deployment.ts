// `deployment` (created): GitHub was asked to deploy a commit to an environment. Recorded as a
// running deployment of the repository's application for that environment, linked to the
// commit's release when the service has one (lib/deployments/record-github-deployment.ts); its
// statuses follow as deployment_status, and a success records the release.
import { z } from "zod";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { recordGithubDeployment } from "../../deployments/record-github-deployment";
import { commitSha, githubTime, repositoryRef } from "../../github/webhook-fields";
import { type DeliveryHandler, parsePayload, processed } from "./delivery-handler";

export const githubDeploymentSchema = z.object({
  id: z.number().int().positive(),
  sha: commitSha,
  // The branch, tag or SHA asked for; a version tag names the release (record-github-deployment.ts).
  ref: z.string().nullish(),
  environment: z.string().trim().min(1),
  description: z.string().nullish(),
  creator: z.object({ login: z.string() }).nullish(),
  created_at: githubTime,
  updated_at: githubTime.nullish(),
});

const deploymentEventSchema = z.object({ repository: repositoryRef, deployment: githubDeploymentSchema });

/** The recorder's view of a GitHub deployment object, shared by `deployment` and `deployment_status`. */
export function githubDeploymentFields(repository: string, deployment: z.infer<typeof githubDeploymentSchema>) {
  return {
    repository,
    environment: deployment.environment,
    deploymentId: deployment.id,
    sha: deployment.sha,
    ref: deployment.ref ?? null,
    creator: deployment.creator?.login ?? null,
    description: deployment.description ?? null,
    createdAt: deployment.created_at,
  };
}

export const handleGithubDeployment: DeliveryHandler = async (payload, { db, directory }) => {
  const { repository, deployment } = parsePayload(deploymentEventSchema, payload, "deployment payload");
  const recorded = await recordGithubDeployment(db, directory, {
    ...githubDeploymentFields(repository.full_name, deployment),
    observedAt: deployment.updated_at ?? deployment.created_at,
  });
  // Open timelines hear of it when this delivery's transaction commits.
  await notifyDeploymentsChanged(db, [recorded.deploymentId, ...recorded.relinkedDeploymentIds]);
  return processed;
};
