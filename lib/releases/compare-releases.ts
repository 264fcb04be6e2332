// Two releases of one service compared: the commits (with their pull requests, tickets and
// authors) that lie between them, whichever of the two is newer. Releases are ordered by
// (first_seen_at, id) and each release's release_commits hold what it added since the one
// before, so "between" is the union of the release_commits of the releases after the older
// one up to and including the newer one: one range over releases(service_id, first_seen_at)
// and the release_commits primary key, capped, never a walk of Git history. In a monorepo only
// the commits that count for the service are listed and counted (lib/releases/service-path-filter.ts).
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { idField } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { config } from "../env";
import { attachPullRequests, releaseCommitSchema, type CommitRow } from "./attach-pull-requests";
import { buildGithubUrl } from "./build-github-url";
import { commitCountsForPaths, describePathFilter, pathFilterSchema } from "./service-path-filter";

export const compareReleasesParams = z.object({
  id: idField.meta({ description: "Release id." }),
  otherId: idField.meta({ description: "Id of another release of the same service." }),
});

/** Commits listed; `commitCount` says how many lie between in all. */
export const MAX_COMPARE_COMMITS = 500;
/** Releases listed between the two; `releaseCount` says how many in all. */
export const MAX_COMPARE_RELEASES = 100;

const comparedRelease = z.object({
  id: z.number().int(),
  version: z.string(),
  firstSeenAt: z.date(),
  commitSha: z.string().nullable(),
});

export const releaseComparisonSchema = z
  .object({
    service: z.object({ id: z.number().int(), name: z.string(), repository: z.string().nullable() }),
    release: comparedRelease.meta({ description: "The release asked about (`id`)." }),
    other: comparedRelease.meta({ description: "The release it is compared with (`otherId`)." }),
    direction: z.enum(["ahead", "behind", "same"]).meta({
      description: "ahead: `release` is newer and carries the commits below that `other` lacks; behind: `other` is newer and carries them; same: one release.",
    }),
    releaseCount: z.number().int().meta({ description: "Releases after the older one up to and including the newer one." }),
    releases: z
      .array(comparedRelease.extend({ commitsComplete: z.boolean() }))
      .meta({ description: `Those releases, newest first; at most ${MAX_COMPARE_RELEASES}.` }),
    commitsComplete: z.boolean().meta({ description: "False when any of those releases' own commit ranges is not fully known; the list may then be partial." }),
    commitCount: z.number().int().meta({
      description: `How many commits lie between the two that count for the service (in a monorepo: \`pathFilter\`); at most ${MAX_COMPARE_COMMITS} are listed.`,
    }),
    pathFilter: pathFilterSchema,
    commits: z.array(
      releaseCommitSchema.extend({
        release: z.object({ id: z.number().int(), version: z.string() }).meta({ description: "The release that added it." }),
        filesKnown: z.boolean().meta({ description: "False when which files it touched is not known." }),
      }),
    ),
    tickets: z.array(z.string()).meta({ description: "Ticket keys of the listed commits' pull requests, deduplicated and sorted." }),
    authors: z.array(z.string()).meta({ description: "Authors of the listed commits (login, else name), deduplicated and sorted." }),
    githubCompareUrl: z.string().nullable().meta({ description: "GitHub's compare view from the older release's commit to the newer's, when both commits and the repository are known." }),
  })
  .meta({ id: "ReleaseComparison" });

export type ReleaseComparison = z.output<typeof releaseComparisonSchema>;

type ReleaseRow = { id: number; service_id: number; version: string; first_seen_at: Date; commit_sha: string | null };
type Counts = { releases: number; commits: number; repository_commits: number; unknown_files: number; incomplete: number };
const noCounts: Counts = { releases: 0, commits: 0, repository_commits: 0, unknown_files: 0, incomplete: 0 };

/**
 * The comparison, or null when either release does not exist or they belong to different
 * services (there is no history between them to compare).
 */
export async function compareReleases(id: number, otherId: number, db: DbOrTx = readDb()): Promise<ReleaseComparison | null> {
  const found = await db.$queryRaw<(ReleaseRow & { service_name: string; repository: string | null; service_paths: string[] | null })[]>`
    SELECT r.id, r.service_id, r.version, r.first_seen_at, r.commit_sha, s.name AS service_name, s.repository, s.paths AS service_paths
    FROM releases r JOIN services s ON s.id = r.service_id
    WHERE r.id IN (${id}, ${otherId})`;
  const release = found.find((row) => row.id === id);
  const other = found.find((row) => row.id === otherId);
  if (!release || !other || release.service_id !== other.service_id) return null;

  const ahead = compareOrder(release, other) > 0;
  const [older, newer] = ahead ? [other, release] : [release, other];
  const same = id === otherId;
  const counts = commitCountsForPaths(Prisma.sql`c.paths`, Prisma.sql`${release.service_paths}::text[]`);

  // The releases in (older, newer]: the index on (service_id, first_seen_at) bounds the range,
  // the row comparison settles ties on first_seen_at by id.
  const inRange = same
    ? null
    : { service: release.service_id, olderAt: older.first_seen_at, olderId: older.id, newerAt: newer.first_seen_at, newerId: newer.id };

  const [releases, counted, commitRows] = inRange
    ? await Promise.all([
        db.$queryRaw<(ReleaseRow & { commits_complete: boolean })[]>`
          SELECT id, service_id, version, first_seen_at, commit_sha, commits_complete FROM releases
          WHERE service_id = ${inRange.service} AND first_seen_at >= ${inRange.olderAt} AND first_seen_at <= ${inRange.newerAt}
            AND (first_seen_at, id) > (${inRange.olderAt}, ${inRange.olderId}) AND (first_seen_at, id) <= (${inRange.newerAt}, ${inRange.newerId})
          ORDER BY first_seen_at DESC, id DESC
          LIMIT ${MAX_COMPARE_RELEASES}`,
        db.$queryRaw<Counts[]>`
          SELECT count(*)::int AS releases, COALESCE(sum(n.commits), 0)::int AS commits, COALESCE(sum(n.repository_commits), 0)::int AS repository_commits,
            COALESCE(sum(n.unknown_files), 0)::int AS unknown_files, count(*) FILTER (WHERE NOT r.commits_complete)::int AS incomplete
          FROM releases r
          CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE ${counts}) AS commits, count(*) AS repository_commits,
              count(*) FILTER (WHERE ${release.service_paths}::text[] IS NOT NULL AND c.paths IS NULL) AS unknown_files
            FROM release_commits rc JOIN commits c ON c.id = rc.commit_id WHERE rc.release_id = r.id) n
          WHERE r.service_id = ${inRange.service} AND r.first_seen_at >= ${inRange.olderAt} AND r.first_seen_at <= ${inRange.newerAt}
            AND (r.first_seen_at, r.id) > (${inRange.olderAt}, ${inRange.olderId}) AND (r.first_seen_at, r.id) <= (${inRange.newerAt}, ${inRange.newerId})`,
        db.$queryRaw<(CommitRow & { release_id: number; release_version: string; files_known: boolean })[]>`
          SELECT c.id, c.sha, c.repository, c.message, c.author_login, c.author_name, c.committed_at, r.id AS release_id, r.version AS release_version,
            c.paths IS NOT NULL AS files_known
          FROM releases r
          JOIN release_commits rc ON rc.release_id = r.id
          JOIN commits c ON c.id = rc.commit_id
          WHERE r.service_id = ${inRange.service} AND r.first_seen_at >= ${inRange.olderAt} AND r.first_seen_at <= ${inRange.newerAt}
            AND (r.first_seen_at, r.id) > (${inRange.olderAt}, ${inRange.olderId}) AND (r.first_seen_at, r.id) <= (${inRange.newerAt}, ${inRange.newerId})
            AND ${counts}
          ORDER BY r.first_seen_at DESC, r.id DESC, c.committed_at DESC, c.id DESC
          LIMIT ${MAX_COMPARE_COMMITS}`,
      ])
    : [[], [noCounts], []];

  const commits = await attachPullRequests(db, commitRows);
  const releaseOf = new Map(commitRows.map((row) => [`${row.repository}@${row.sha}`, { id: row.release_id, version: row.release_version }]));
  const count = counted[0] ?? noCounts;
  const repository = release.repository;

  return {
    service: { id: release.service_id, name: release.service_name, repository },
    release: toComparedRelease(release),
    other: toComparedRelease(other),
    direction: same ? "same" : ahead ? "ahead" : "behind",
    releaseCount: count.releases,
    releases: releases.map((row) => ({ ...toComparedRelease(row), commitsComplete: row.commits_complete })),
    commitsComplete: count.incomplete === 0,
    commitCount: count.commits,
    pathFilter: describePathFilter(release.service_paths, {
      repository: count.repository_commits,
      otherPaths: count.repository_commits - count.commits,
      unknownFiles: count.unknown_files,
    }),
    // attachPullRequests keeps the rows' order.
    commits: commits.map((commit, index) => ({
      ...commit,
      release: releaseOf.get(`${commit.repository}@${commit.sha}`)!,
      filesKnown: commitRows[index]!.files_known,
    })),
    tickets: [...new Set(commits.flatMap((commit) => commit.pullRequests.flatMap((pullRequest) => pullRequest.ticketKeys)))].sort(),
    authors: [...new Set(commits.flatMap((commit) => commit.authorLogin ?? commit.authorName ?? []))].sort(),
    githubCompareUrl:
      !same && repository && older.commit_sha && newer.commit_sha
        ? buildGithubUrl(config().GITHUB_API_URL, { kind: "compare", repository, base: older.commit_sha, head: newer.commit_sha })
        : null,
  };
}

/** Positive when `a` comes after `b` in its service's order of releases. */
function compareOrder(a: ReleaseRow, b: ReleaseRow): number {
  return a.first_seen_at.getTime() - b.first_seen_at.getTime() || a.id - b.id;
}

function toComparedRelease(row: ReleaseRow): z.output<typeof comparedRelease> {
  return { id: row.id, version: row.version, firstSeenAt: row.first_seen_at, commitSha: row.commit_sha };
}
