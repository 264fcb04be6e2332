// GitLab `Push Hook`: the commits a branch gained, recorded as GitHub pushes are
// (lib/commits/record-push.ts) under the project's host/path name, so commits, releases built from
// them and "where is commit X" work for GitLab projects. The payload lists before..after oldest
// first, at most 20 (the newest; total_commits_count says how many there were), with their files.
// GitLab does not say which commits were pushed before (GitHub's `distinct`) nor whether the push
// was forced, so (docs/setup-gitlab.md): commits listed before a merge commit ("Merge branch …")
// are taken as the merged branch's, pushed earlier with their parents (here: unknown, never
// invented), and the merge commit's parents are `before` and the last of them, as for GitHub; all
// other commits chain from `before`. Branch deletions and tag pushes add no commits: ignored.
import { z } from "zod";
import { commitSha, ZERO_SHA } from "../../github/webhook-fields";
import { gitlabProject, gitlabTime } from "../../gitlab/webhook-fields";
import { type DeliveryHandler, ignored, parsePayload, processed, recordPushOf } from "./delivery-handler";

const MERGE_MESSAGE = /^Merge /;

const pushSchema = z.object({
  ref: z.string(),
  before: commitSha,
  after: commitSha,
  project: gitlabProject,
  total_commits_count: z.number().int().nonnegative().nullish(),
  commits: z
    .array(
      z.object({
        id: commitSha,
        message: z.string(),
        timestamp: gitlabTime,
        author: z.object({ name: z.string().nullish() }).nullish(),
        added: z.array(z.string()).nullish(),
        modified: z.array(z.string()).nullish(),
        removed: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

export const handleGitlabPush: DeliveryHandler = async (payload, context) => {
  const push = parsePayload(pushSchema, payload, "GitLab push payload");
  if (ZERO_SHA.test(push.after)) return ignored(`${push.ref} was deleted; its commits stay recorded`);
  if (push.ref.startsWith("refs/tags/")) return ignored(`tag push (${push.ref}): tags are not modelled`);
  const commits = push.commits ?? [];
  if (commits.length === 0) return ignored(`${push.ref} moved to a known commit; no new commits`);

  const lastMerge = commits.findLastIndex((commit) => MERGE_MESSAGE.test(commit.message));
  await recordPushOf(context, {
    repository: push.project.repository,
    before: push.before,
    truncated: (push.total_commits_count ?? commits.length) > commits.length,
    commits: commits.map((commit, index) => ({
      sha: commit.id,
      message: commit.message,
      distinct: index >= lastMerge,
      authorName: commit.author?.name ?? undefined,
      timestamp: commit.timestamp,
      paths: filesOf(commit),
    })),
  });
  return processed;
};

/** The files a payload commit touched; null when the payload lists none of the three (unknown). */
function filesOf(commit: { added?: string[] | null; modified?: string[] | null; removed?: string[] | null }): string[] | null {
  if (!commit.added && !commit.modified && !commit.removed) return null;
  return [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])];
}
