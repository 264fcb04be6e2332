// GitLab `Deployment Hook`: a deployment to one of a project's environments started (running),
// succeeded, failed or was canceled. Recorded as a deployment of the project's application for
// that environment (lib/deployments/record-gitlab-deployment.ts), a second deployment source as
// GitHub deployments are. The payload names the commit by short_sha and commit_url only: the full
// SHA is commit_url's last segment, checked against short_sha. Other statuses (GitLab sends none
// today) are ignored with their name rather than guessed at.
import { z } from "zod";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { GITLAB_DEPLOYMENT_STATUSES, type GitlabDeploymentStatus, recordGitlabDeployment } from "../../deployments/record-gitlab-deployment";
import { gitlabProject, gitlabTime } from "../../gitlab/webhook-fields";
import { lenientWebUrl } from "../../links/web-url";
import { type DeliveryHandler, ignored, parsePayload, processed } from "./delivery-handler";

/** ".../-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468" → the SHA, lower case; undefined without one. */
export function shaOfCommitUrl(url: string): string | undefined {
  return /\/commit\/([0-9a-fA-F]{40})\/?(?:[?#].*)?$/.exec(url)?.[1]?.toLowerCase();
}

const deploymentSchema = z
  .object({
    status: z.string().min(1),
    status_changed_at: gitlabTime,
    deployment_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    deployable_id: z.number().int().positive().nullish(),
    deployable_url: lenientWebUrl,
    environment: z.string().trim().min(1).max(255),
    project: gitlabProject,
    short_sha: z.string().regex(/^[0-9a-fA-F]{4,40}$/, "must be an abbreviated commit SHA"),
    commit_url: z.string().refine((url) => shaOfCommitUrl(url) !== undefined, "must be the commit's URL, ending in its full 40-character SHA"),
    user: z.object({ username: z.string().nullish() }).nullish(),
  })
  // Checked only once commit_url holds a SHA (zod runs this even when a field failed).
  .refine((event) => shaOfCommitUrl(event.commit_url)?.startsWith(event.short_sha.toLowerCase()) ?? true, {
    path: ["short_sha"],
    message: "must abbreviate the SHA in commit_url",
  });

const isKnownStatus = (status: string): status is GitlabDeploymentStatus => (GITLAB_DEPLOYMENT_STATUSES as readonly string[]).includes(status);

export const handleGitlabDeployment: DeliveryHandler = async (payload, { db, directory }) => {
  const event = parsePayload(deploymentSchema, payload, "GitLab deployment payload");
  if (!isKnownStatus(event.status)) {
    return ignored(`deployment ${event.deployment_id} ${event.status}: only running, success, failed and canceled are deployment states`);
  }
  const recorded = await recordGitlabDeployment(
    {
      repository: event.project.repository,
      webUrl: event.project.webUrl,
      environment: event.environment,
      deploymentId: event.deployment_id,
      sha: shaOfCommitUrl(event.commit_url)!,
      status: event.status,
      at: event.status_changed_at,
      user: event.user?.username ?? null,
      deployable: event.deployable_id && event.deployable_url ? { id: event.deployable_id, url: event.deployable_url } : null,
    },
    { db, directory },
  );
  // Open timelines hear of it when this delivery's transaction commits.
  await notifyDeploymentsChanged(db, [recorded.deploymentId, ...recorded.relinkedDeploymentIds]);
  return processed;
};
