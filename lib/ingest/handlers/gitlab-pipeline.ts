// GitLab `Pipeline Hook`: a pipeline's status changed. A successful pipeline names the commit it
// ran on (with its message, author and time) but no image it built: GitLab's payload carries only
// manually set pipeline variables and its jobs' names and statuses. So, as for a GitHub
// workflow_run (github-workflow-run.ts), what is recorded is what it gives: that commit exists in
// the project, so an image tagged with an abbreviated SHA finds its commit even when the push that
// brought it was never received. The parent is left unknown (a stored one is kept). Other
// statuses, and pipelines on a fork's commit (a merge request from another project), are ignored.
// Images come from build reports (docs/setup-gitlab.md).
import { z } from "zod";
import { commitSha } from "../../github/webhook-fields";
import { gitlabProject, gitlabTime } from "../../gitlab/webhook-fields";
import { type DeliveryHandler, ignored, parsePayload, processed, recordPushOf } from "./delivery-handler";

const NO_PARENT = "0".repeat(40);

const pipelineSchema = z.object({
  project: gitlabProject,
  object_attributes: z.object({ id: z.number().int(), sha: commitSha, ref: z.string().nullish(), status: z.string() }),
  merge_request: z.object({ source_project_id: z.number().int().nullish(), target_project_id: z.number().int().nullish() }).nullish(),
  commit: z
    .object({
      id: commitSha,
      message: z.string(),
      timestamp: gitlabTime,
      author: z.object({ name: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

export const handleGitlabPipeline: DeliveryHandler = async (payload, context) => {
  const { project, object_attributes: pipeline, merge_request: mr, commit } = parsePayload(pipelineSchema, payload, "GitLab pipeline payload");
  const what = `pipeline ${pipeline.id} on ${pipeline.sha}`;
  if (pipeline.status !== "success") return ignored(`${what} is ${pipeline.status}: only a successful pipeline is evidence for its commit`);
  if (mr?.source_project_id != null && mr.target_project_id != null && mr.source_project_id !== mr.target_project_id) {
    return ignored(`${what}: a merge request from another project (a fork's commit)`);
  }
  if (!commit || commit.id !== pipeline.sha) return ignored(`${what}: the payload does not describe the commit`);
  await recordPushOf(context, {
    repository: project.repository,
    before: NO_PARENT,
    commits: [{ sha: commit.id, message: commit.message, authorName: commit.author?.name ?? undefined, timestamp: commit.timestamp }],
  });
  return processed;
};
