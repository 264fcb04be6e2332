// GitLab `Merge Request Hook` (open, update, merge, close, approvals, …): every action carries the
// merge request as it now is, upserted into the pull-request model (lib/pull-requests) under the
// project's host/path name, numbered by its iid. Merged when its state is `merged`; it then links
// to the commit it landed as: the merge commit, or the squash commit when GitLab fast-forwarded a
// squash (no merge commit). Ticket keys are the Jira-style keys GitHub's get, plus GitLab issue
// references (`#123`, `group/project#123`). GitLab's payload names the actor, not the author, and
// no merge time: the author stays unknown and an update's time is taken as the merge's.
import { z } from "zod";
import { commitSha } from "../../github/webhook-fields";
import { gitlabProject, gitlabTime } from "../../gitlab/webhook-fields";
import { lenientWebUrl } from "../../links/web-url";
import { extractGitlabIssueReferences } from "../../pull-requests/extract-gitlab-issue-references";
import { recordPullRequest } from "../../pull-requests/record-pull-request";
import { type DeliveryHandler, parsePayload, processed } from "./delivery-handler";

const mergeRequestSchema = z.object({
  project: gitlabProject,
  object_attributes: z.object({
    iid: z.number().int().positive().max(2_147_483_647),
    title: z.string(),
    description: z.string().nullish(),
    state: z.string(),
    action: z.string().nullish(),
    source_branch: z.string().nullish(),
    target_branch: z.string().nullish(),
    merge_commit_sha: commitSha.nullish(),
    squash_commit_sha: commitSha.nullish(),
    url: lenientWebUrl,
    created_at: gitlabTime,
    updated_at: gitlabTime.nullish(),
  }),
});

export const handleGitlabMergeRequest: DeliveryHandler = async (payload, { db }) => {
  const { project, object_attributes: mr } = parsePayload(mergeRequestSchema, payload, "GitLab merge request payload");
  const merged = mr.state === "merged" || mr.action === "merge";
  const closed = mr.state === "closed" || mr.state === "locked";
  const changedAt = mr.updated_at ?? mr.created_at;
  await recordPullRequest(db, {
    repository: project.repository,
    number: mr.iid,
    title: mr.title,
    body: mr.description ?? null,
    authorLogin: null,
    state: merged ? "MERGED" : closed ? "CLOSED" : "OPEN",
    headRef: mr.source_branch ?? null,
    baseRef: mr.target_branch ?? null,
    mergeCommitSha: mr.merge_commit_sha ?? mr.squash_commit_sha ?? null,
    url: mr.url,
    openedAt: mr.created_at,
    mergedAt: merged ? changedAt : null,
    closedAt: merged || closed ? changedAt : null,
    extraTicketKeys: extractGitlabIssueReferences(project.path, mr.title, mr.description, mr.source_branch),
  });
  return processed;
};
