// `push`: the commits a branch gained. Every branch is recorded, not only the default branch:
// images are built from release branches, hotfix branches and pull request heads too, and a
// release's commit must be known to trace it. The payload lists the commits the push introduced
// (git's before..after); their parents are inferred as lib/commits/infer-push-parents.ts says,
// and each names the files it added, modified and removed (a monorepo service's releases list the
// commits that touched its paths; a merge commit's files are its own diff).
// A payload holds at most 2,048 commits: a longer push is cut and its first listed commit's
// parents are unknown. Branch and tag deletions (`deleted`, `after` all zeros) remove a name, not
// commits: ignored. Tag pushes add no commits: ignored (releases are identified from images).
import { z } from "zod";
import { commitSha, githubTime, repositoryRef, ZERO_SHA } from "../../github/webhook-fields";
import { type DeliveryHandler, ignored, parsePayload, processed, recordPushOf } from "./delivery-handler";

const MAX_PAYLOAD_COMMITS = 2048;

const pushSchema = z.object({
  ref: z.string(),
  before: commitSha,
  after: commitSha,
  deleted: z.boolean().nullish(),
  forced: z.boolean().nullish(),
  repository: repositoryRef,
  commits: z
    .array(
      z.object({
        id: commitSha,
        message: z.string(),
        timestamp: githubTime,
        distinct: z.boolean().nullish(),
        author: z.object({ name: z.string().nullish(), username: z.string().nullish() }).nullish(),
        added: z.array(z.string()).nullish(),
        modified: z.array(z.string()).nullish(),
        removed: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

export const handleGithubPush: DeliveryHandler = async (payload, context) => {
  const push = parsePayload(pushSchema, payload, "push payload");
  if (push.deleted || ZERO_SHA.test(push.after)) return ignored(`${push.ref} was deleted; its commits stay recorded`);
  if (push.ref.startsWith("refs/tags/")) return ignored(`tag push (${push.ref}): tags are not modelled`);
  const commits = push.commits ?? [];
  if (commits.length === 0) return ignored(`${push.ref} moved to a known commit; no new commits`);

  await recordPushOf(context, {
    repository: push.repository.full_name,
    before: push.before,
    forced: push.forced === true,
    truncated: commits.length >= MAX_PAYLOAD_COMMITS,
    commits: commits.map((commit) => ({
      sha: commit.id,
      message: commit.message,
      distinct: commit.distinct,
      authorName: commit.author?.name ?? undefined,
      authorLogin: commit.author?.username ?? undefined,
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
