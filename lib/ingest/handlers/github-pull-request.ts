// `pull_request` (opened, edited, closed, reopened, labeled, …): every action carries the whole
// pull request, so each one upserts it as it now is. Merged when GitHub says `merged` (or gives
// a merge time); its merge commit then links it to the commit it became.
import { z } from "zod";
import { lenientWebUrl } from "../../links/web-url";
import { recordPullRequest } from "../../pull-requests/record-pull-request";
import { commitSha, githubTime, repositoryRef } from "../../github/webhook-fields";
import { type DeliveryHandler, parsePayload, processed } from "./delivery-handler";

const pullRequestSchema = z.object({
  repository: repositoryRef,
  pull_request: z.object({
    number: z.number().int().positive().max(2_147_483_647),
    title: z.string(),
    body: z.string().nullish(),
    state: z.string(),
    merged: z.boolean().nullish(),
    merge_commit_sha: commitSha.nullish(),
    user: z.object({ login: z.string() }).nullish(),
    head: z.object({ ref: z.string() }).nullish(),
    base: z.object({ ref: z.string() }).nullish(),
    // Rendered as the pull request's link: http(s) only; anything else is dropped, not the delivery.
    html_url: lenientWebUrl,
    created_at: githubTime,
    merged_at: githubTime.nullish(),
    closed_at: githubTime.nullish(),
  }),
});

export const handleGithubPullRequest: DeliveryHandler = async (payload, { db }) => {
  const { repository, pull_request: pr } = parsePayload(pullRequestSchema, payload, "pull_request payload");
  const merged = pr.merged === true || pr.merged_at != null;
  await recordPullRequest(db, {
    repository: repository.full_name,
    number: pr.number,
    title: pr.title,
    body: pr.body ?? null,
    authorLogin: pr.user?.login ?? null,
    state: merged ? "MERGED" : pr.state === "closed" ? "CLOSED" : "OPEN",
    headRef: pr.head?.ref ?? null,
    baseRef: pr.base?.ref ?? null,
    mergeCommitSha: pr.merge_commit_sha ?? null,
    url: pr.html_url,
    openedAt: pr.created_at,
    mergedAt: merged ? (pr.merged_at ?? pr.closed_at ?? null) : null,
    closedAt: pr.closed_at ?? null,
  });
  return processed;
};
