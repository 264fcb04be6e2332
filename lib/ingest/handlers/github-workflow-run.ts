// `workflow_run`: a run names the commit it ran on (head_sha, with its message, author and
// time), but not any image it built, so it is no build evidence. It is recorded as what it is:
// that commit exists in the repository. That is enough for an image tagged with an abbreviated
// SHA ("sha-3484a3f") to find its commit even when the push that brought it was never received.
// The parent is left unknown (a stored parent is kept). Runs on a fork's commit are ignored:
// that commit is not in this repository.
import { z } from "zod";
import { commitSha, githubTime, repositoryRef } from "../../github/webhook-fields";
import { type DeliveryHandler, ignored, parsePayload, processed, recordPushOf } from "./delivery-handler";

const NO_PARENT = "0".repeat(40);

const workflowRunSchema = z.object({
  repository: repositoryRef,
  workflow_run: z.object({
    head_sha: commitSha,
    head_repository: repositoryRef.nullish(),
    head_commit: z
      .object({
        id: commitSha,
        message: z.string(),
        timestamp: githubTime,
        author: z.object({ name: z.string().nullish() }).nullish(),
      })
      .nullish(),
  }),
});

export const handleGithubWorkflowRun: DeliveryHandler = async (payload, context) => {
  const { repository, workflow_run: run } = parsePayload(workflowRunSchema, payload, "workflow_run payload");
  const head = run.head_commit;
  if (run.head_repository && run.head_repository.full_name !== repository.full_name) {
    return ignored(`run on ${run.head_repository.full_name}@${run.head_sha}: a fork's commit`);
  }
  if (!head || head.id !== run.head_sha) return ignored(`run on ${run.head_sha}: the payload does not describe the commit`);
  await recordPushOf(context, {
    repository: repository.full_name,
    before: NO_PARENT,
    commits: [{ sha: head.id, message: head.message, authorName: head.author?.name ?? undefined, timestamp: head.timestamp }],
  });
  return processed;
};
