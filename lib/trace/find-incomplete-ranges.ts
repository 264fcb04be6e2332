// Releases whose commit range webhooks left incomplete, with the previous release's commit to
// compare against, for the forge that hosts their repository: GitHub's `owner/name`, or a GitLab
// instance's `<host>/<group>/<project>` (docs/setup-gitlab.md). Each job asks only for its own,
// so one never marks the other's releases as failures. A release checked without success waits
// `recheckBefore` before it is asked again.
import type { DbOrTx } from "../db/client";

export type IncompleteRange = { id: number; version: string; repository: string | null; head: string; base: string };

export type RangeRepositories = { forge: "github" } | { forge: "gitlab"; host: string };

export async function findIncompleteRanges(db: DbOrTx, options: { repositories: RangeRepositories; limit: number; recheckBefore: Date }): Promise<IncompleteRange[]> {
  const { repositories, limit, recheckBefore } = options;
  // GitHub: exactly one slash. GitLab: the host, then a path of at least two segments.
  const pattern = repositories.forge === "github" ? "^[^/]+/[^/]+$" : `^${escapeRegex(repositories.host.toLowerCase())}/[^/]+/.+$`;
  // The previous release is chosen exactly as linkReleaseCommits chooses it.
  return db.$queryRaw<IncompleteRange[]>`
    SELECT r.id, r.version, s.repository, r.commit_sha AS head, previous.commit_sha AS base
    FROM releases r
    JOIN services s ON s.id = r.service_id
    CROSS JOIN LATERAL (
      SELECT p.commit_sha FROM releases p
      WHERE p.service_id = r.service_id AND p.commit_sha IS NOT NULL AND (p.first_seen_at, p.id) < (r.first_seen_at, r.id)
      ORDER BY p.first_seen_at DESC, p.id DESC LIMIT 1
    ) previous
    WHERE r.commits_complete = false AND r.commit_sha IS NOT NULL AND s.repository IS NOT NULL
      AND lower(s.repository) ~ ${pattern}
      AND (r.commits_incomplete_reason IS NULL OR r.commits_checked_at IS NULL OR r.commits_checked_at < ${recheckBefore})
    ORDER BY r.commits_checked_at ASC NULLS FIRST, r.first_seen_at DESC, r.id DESC
    LIMIT ${limit}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
