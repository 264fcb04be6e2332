// How far one release lags behind a newer release of the same service: the releases, commits,
// pull requests and tickets that lie between them and when the oldest of those changes appeared.
// "Between" is what compareReleases lists (lib/releases/compare-releases.ts): the release_commits
// of the releases after the older one up to and including the newer one, in the service's
// release order (first_seen_at, id), counting in a monorepo only the commits under the service's
// paths. Many pairs are measured in one statement, each an index range over
// releases(service_id, first_seen_at) and the release_commits primary key.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { commitCountsForPaths } from "../releases/service-path-filter";

export type LagPair = { serviceId: number; olderReleaseId: number; newerReleaseId: number };

export const releaseLagSchema = z
  .object({
    releases: z.number().int().meta({ description: "Releases after the behind one up to and including the one it would get." }),
    commits: z.number().int().meta({ description: "Commits between the two that count for the service (in a monorepo: under its paths)." }),
    pullRequests: z.number().int().meta({ description: "Distinct pull requests that carried those commits." }),
    tickets: z.number().int().meta({ description: "Distinct ticket keys named by those commits or their pull requests." }),
    waitingSince: z.date().meta({ description: "When the oldest waiting change appeared: first_seen_at of the oldest release between (built or deployed anywhere)." }),
    oldestCommitAt: z.date().nullable().meta({ description: "Commit time of the oldest waiting commit; null when no commit between is known." }),
    commitsComplete: z.boolean().meta({ description: "False when some release between has a commit range not fully known: the counts may then be low." }),
  })
  .meta({ id: "ReleaseLag" });

export type ReleaseLag = z.output<typeof releaseLagSchema>;

type LagRow = {
  ord: bigint;
  releases: number;
  incomplete: number;
  waiting_since: Date | null;
  commits: number;
  oldest_commit_at: Date | null;
  pull_requests: number;
  tickets: number;
};

/** The lag of each pair, in the pairs' order; null for a pair with nothing between (or unknown ids). */
export async function measureReleaseLags(pairs: readonly LagPair[], { db = readDb() }: { db?: DbOrTx } = {}): Promise<(ReleaseLag | null)[]> {
  if (pairs.length === 0) return [];
  const counts = commitCountsForPaths(Prisma.sql`c.paths`, Prisma.sql`s.paths`);
  const rows = await db.$queryRaw<LagRow[]>`
    SELECT p.ord, rr.releases, rr.incomplete, rr.waiting_since, w.commits, w.oldest_commit_at, pr.pull_requests, tk.tickets
    FROM unnest(${pairs.map((pair) => pair.serviceId)}::int[], ${pairs.map((pair) => pair.olderReleaseId)}::int[], ${pairs.map((pair) => pair.newerReleaseId)}::int[])
      WITH ORDINALITY AS p(service_id, older_id, newer_id, ord)
    JOIN services s ON s.id = p.service_id
    JOIN releases o ON o.id = p.older_id AND o.service_id = p.service_id
    JOIN releases n ON n.id = p.newer_id AND n.service_id = p.service_id
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS releases, count(*) FILTER (WHERE NOT r.commits_complete)::int AS incomplete, min(r.first_seen_at) AS waiting_since
      FROM releases r
      WHERE r.service_id = p.service_id AND r.first_seen_at >= o.first_seen_at AND r.first_seen_at <= n.first_seen_at
        AND (r.first_seen_at, r.id) > (o.first_seen_at, o.id) AND (r.first_seen_at, r.id) <= (n.first_seen_at, n.id)
    ) rr
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS commits, min(c.committed_at) AS oldest_commit_at, COALESCE(array_agg(c.id), '{}') AS ids
      FROM (
        SELECT DISTINCT c.id, c.committed_at
        FROM releases r
        JOIN release_commits rc ON rc.release_id = r.id
        JOIN commits c ON c.id = rc.commit_id
        WHERE r.service_id = p.service_id AND r.first_seen_at >= o.first_seen_at AND r.first_seen_at <= n.first_seen_at
          AND (r.first_seen_at, r.id) > (o.first_seen_at, o.id) AND (r.first_seen_at, r.id) <= (n.first_seen_at, n.id)
          AND ${counts}
      ) c
    ) w
    CROSS JOIN LATERAL (
      SELECT count(DISTINCT pc.pull_request_id)::int AS pull_requests FROM pull_request_commits pc WHERE pc.commit_id = ANY(w.ids)
    ) pr
    CROSS JOIN LATERAL (
      SELECT count(DISTINCT key)::int AS tickets FROM (
        SELECT unnest(c.ticket_keys) AS key FROM commits c WHERE c.id = ANY(w.ids)
        UNION ALL
        SELECT unnest(pull.ticket_keys) FROM pull_request_commits pc JOIN pull_requests pull ON pull.id = pc.pull_request_id WHERE pc.commit_id = ANY(w.ids)
      ) keys
    ) tk`;
  const byOrdinal = new Map(rows.map((row) => [Number(row.ord), row]));
  return pairs.map((_, index) => {
    const row = byOrdinal.get(index + 1);
    if (!row || row.releases === 0 || row.waiting_since === null) return null;
    return {
      releases: row.releases,
      commits: row.commits,
      pullRequests: row.pull_requests,
      tickets: row.tickets,
      waitingSince: row.waiting_since,
      oldestCommitAt: row.oldest_commit_at,
      commitsComplete: row.incomplete === 0,
    };
  });
}
