// "Where is commit X running?" — for a full or abbreviated SHA (7+ hex), a pull request
// (`owner/repo#123` or its URL) or a ticket key (`PAY-123`): the commits it means, the services
// built from them, the first release of each service that contains them, and for every
// application of those services whether what runs there now contains them, and since when.
//
// A release contains a commit when the commit is an ancestor of (or is) the release's commit:
// when the release added it (release_commits, git's base..release) or one of its bases did
// (releases.base_release_id, lib/trace/link-release-commits.ts). So the releases containing X
// are those that added it and every release based on them, found down the base tree by index,
// whatever order releases were seen in. A ticket matches the commits whose message or pull
// request names it, and the cherry-picks of those commits.
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import type { CommitQuery } from "./parse-commit-query";
import { safeHref } from "../links/web-url";

export type CommitLocation = {
  commit: {
    sha: string;
    repository: string;
    message: string;
    authorLogin: string | null;
    committedAt: Date;
    /** Ticket keys in the commit's own message. */
    ticketKeys: string[];
    /** The commit this one was cherry-picked from ("(cherry picked from commit …)"), if any. */
    cherryPickedFrom: string | null;
    /** Pull requests that merged the commit, or the commit it was cherry-picked from. */
    pullRequests: { number: number; title: string; url: string | null; ticketKeys: string[] }[];
  };
  services: ServiceLocation[];
};

export type ServiceLocation = {
  service: { id: number; name: string };
  /** The first release that contains the commit; null when no release has shipped it yet. */
  firstRelease: { id: number; version: string; firstSeenAt: Date } | null;
  applications: ApplicationLocation[];
};

export type ApplicationLocation = {
  id: number;
  name: string;
  environment: string;
  environmentRank: number;
  cluster: string;
  region: string | null;
  currentRelease: { id: number; version: string } | null;
  /** Whether the release running now contains the commit. */
  contains: boolean;
  /** Since when it has continuously run a release containing the commit. */
  since: Date | null;
};

/** Commits a search may expand to (a ticket mentioned by many pull requests). */
const MAX_COMMITS = 50;

export async function findCommitLocations(db: DbOrTx, query: CommitQuery): Promise<CommitLocation[]> {
  const commits = await matchingCommits(db, query);
  if (commits.length === 0) return [];
  const ids = commits.map((commit) => commit.id);

  const [pullRequests, locations] = await Promise.all([
    db.$queryRaw<{ commit_id: number; number: number; title: string; url: string | null; ticket_keys: string[] }[]>`
      SELECT DISTINCT c.id AS commit_id, p.number, p.title, p.url, p.ticket_keys
      FROM commits c
      -- The commit itself and the original it was cherry-picked from: two index lookups (an OR
      -- in the join condition would scan the commits table).
      CROSS JOIN LATERAL (
        SELECT c.id AS id
        UNION ALL
        SELECT o.id FROM commits o WHERE c.cherry_picked_from IS NOT NULL AND o.repository = c.repository AND o.sha = c.cherry_picked_from
      ) origin
      JOIN pull_request_commits pc ON pc.commit_id = origin.id JOIN pull_requests p ON p.id = pc.pull_request_id
      WHERE c.id = ANY(${ids}::int[]) ORDER BY p.number`,
    db.$queryRaw<LocationRow[]>`
      WITH RECURSIVE target AS (
        SELECT id, repository FROM commits WHERE id = ANY(${ids}::int[])
      ), containing(commit_id, service_id, release_id, version, first_seen_at) AS (
        -- The releases that added the target, then every release based on one of them.
        SELECT t.id, r.service_id, r.id, r.version, r.first_seen_at
        FROM target t JOIN release_commits rc ON rc.commit_id = t.id JOIN releases r ON r.id = rc.release_id
        UNION
        SELECT k.commit_id, k.service_id, r.id, r.version, r.first_seen_at FROM containing k JOIN releases r ON r.base_release_id = k.release_id
      ), first_release AS (
        -- The earliest seen release of each service that contains the target.
        SELECT DISTINCT ON (k.commit_id, k.service_id) k.commit_id, k.service_id, k.release_id AS id, k.version, k.first_seen_at
        FROM containing k
        ORDER BY k.commit_id, k.service_id, k.first_seen_at, k.release_id
      ), candidate AS (
        -- Services built from the commit's repository, and services that shipped it.
        SELECT t.id AS commit_id, s.id AS service_id FROM target t JOIN services s ON s.repository = t.repository
        UNION
        SELECT commit_id, service_id FROM first_release
      ), located AS (
        SELECT c.commit_id, s.id AS service_id, s.name AS service_name,
          fr.id AS release_id, fr.version AS release_version, fr.first_seen_at AS release_first_seen_at,
          a.id AS application_id, a.name AS application_name, e.name AS environment, e.rank AS environment_rank,
          cl.name AS cluster, cl.region, cur.id AS current_release_id, cur.version AS current_release_version,
          EXISTS (SELECT 1 FROM containing k WHERE k.commit_id = c.commit_id AND k.release_id = cur.id) AS contains
        FROM candidate c
        JOIN services s ON s.id = c.service_id
        LEFT JOIN first_release fr ON fr.commit_id = c.commit_id AND fr.service_id = c.service_id
        LEFT JOIN applications a ON a.service_id = s.id AND a.deleted_at IS NULL
        LEFT JOIN environments e ON e.id = a.environment_id
        LEFT JOIN clusters cl ON cl.id = a.cluster_id
        LEFT JOIN releases cur ON cur.id = a.current_release_id
      )
      SELECT l.*,
        -- Since: the first success of a containing release after the last success of one that is
        -- not. A correlated subquery per application that runs it now, so each probes the
        -- deployments index (the CTEs' sizes are beyond the planner's estimates, and a join here
        -- became a scan of every deployment).
        CASE WHEN l.contains THEN (
          SELECT min(h.done) FROM (
            SELECT h.*, max(h.started_at) FILTER (WHERE NOT h.contains) OVER () AS last_without
            FROM (
              SELECT d.started_at, COALESCE(d.finished_at, d.started_at) AS done,
                EXISTS (SELECT 1 FROM containing k WHERE k.commit_id = l.commit_id AND k.release_id = d.release_id) AS contains
              FROM deployments d
              WHERE d.application_id = l.application_id AND d.phase = 'SUCCEEDED' AND d.release_id IS NOT NULL
            ) h
          ) h
          WHERE h.contains AND h.started_at > COALESCE(h.last_without, '-infinity')
        ) END AS since
      FROM located l
      ORDER BY l.commit_id, l.service_name, l.environment_rank, l.cluster, l.application_name`,
  ]);

  return commits.map((commit) => {
    const services = new Map<number, ServiceLocation>();
    for (const row of locations.filter((location) => location.commit_id === commit.id)) {
      let service = services.get(row.service_id);
      if (!service) {
        service = {
          service: { id: row.service_id, name: row.service_name },
          firstRelease: row.release_id === null ? null : { id: row.release_id, version: row.release_version!, firstSeenAt: row.release_first_seen_at! },
          applications: [],
        };
        services.set(row.service_id, service);
      }
      if (row.application_id !== null) {
        service.applications.push({
          id: row.application_id,
          name: row.application_name!,
          environment: row.environment!,
          environmentRank: row.environment_rank!,
          cluster: row.cluster!,
          region: row.region,
          currentRelease: row.current_release_id === null ? null : { id: row.current_release_id, version: row.current_release_version! },
          contains: row.contains,
          since: row.since,
        });
      }
    }
    return {
      commit: {
        sha: commit.sha,
        repository: commit.repository,
        message: commit.message,
        authorLogin: commit.author_login,
        committedAt: commit.committed_at,
        ticketKeys: commit.ticket_keys,
        cherryPickedFrom: commit.cherry_picked_from,
        pullRequests: pullRequests
          .filter((pr) => pr.commit_id === commit.id)
          // safeHref: a URL stored before links were checked (issue 14, finding 8) is no URL.
          .map((pr) => ({ number: pr.number, title: pr.title, url: safeHref(pr.url), ticketKeys: pr.ticket_keys })),
      },
      services: [...services.values()],
    };
  });
}

type CommitRow = {
  id: number;
  sha: string;
  repository: string;
  message: string;
  author_login: string | null;
  committed_at: Date;
  ticket_keys: string[];
  cherry_picked_from: string | null;
};

type LocationRow = {
  commit_id: number;
  service_id: number;
  service_name: string;
  release_id: number | null;
  release_version: string | null;
  release_first_seen_at: Date | null;
  application_id: number | null;
  application_name: string | null;
  environment: string | null;
  environment_rank: number | null;
  cluster: string | null;
  region: string | null;
  current_release_id: number | null;
  current_release_version: string | null;
  contains: boolean;
  since: Date | null;
};

async function matchingCommits(db: DbOrTx, query: CommitQuery): Promise<CommitRow[]> {
  switch (query.kind) {
    case "sha":
      // A range on the sha index: hex characters all sort below "g".
      return db.$queryRaw<CommitRow[]>`
        SELECT ${COMMIT_COLUMNS} FROM commits c
        WHERE c.sha >= ${query.prefix} AND c.sha < ${`${query.prefix}g`}
        ORDER BY c.committed_at DESC LIMIT ${MAX_COMMITS}`;
    case "pull-request":
      return withCherryPicks(db, Prisma.sql`
        SELECT pc.commit_id AS id FROM pull_requests p JOIN pull_request_commits pc ON pc.pull_request_id = p.id
        WHERE p.repository = ${query.repository} AND p.number = ${query.number}`);
    case "ticket":
      return withCherryPicks(db, Prisma.sql`
        SELECT pc.commit_id AS id FROM pull_requests p JOIN pull_request_commits pc ON pc.pull_request_id = p.id
        WHERE p.ticket_keys @> ARRAY[${query.key}]::text[]
        UNION
        SELECT c.id FROM commits c WHERE c.ticket_keys @> ARRAY[${query.key}]::text[]`);
  }
}

const COMMIT_COLUMNS = Prisma.sql`c.id, c.sha, c.repository, c.message, c.author_login, c.committed_at, c.ticket_keys, c.cherry_picked_from`;

/** The commits `direct` selects (by id) and the commits cherry-picked from them, newest first. */
function withCherryPicks(db: DbOrTx, direct: Prisma.Sql): Promise<CommitRow[]> {
  return db.$queryRaw<CommitRow[]>`
    WITH direct AS (${direct}), picked AS (
      SELECT k.id FROM direct d JOIN commits o ON o.id = d.id JOIN commits k ON k.repository = o.repository AND k.cherry_picked_from = o.sha
    )
    SELECT ${COMMIT_COLUMNS} FROM commits c WHERE c.id IN (SELECT id FROM direct UNION SELECT id FROM picked)
    ORDER BY c.committed_at DESC LIMIT ${MAX_COMMITS}`;
}
