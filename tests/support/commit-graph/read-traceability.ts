// What Shiplog answers after a history's deliveries: "where is commit X" for every commit
// (findCommitLocations, the function behind the search box and /api/v1/commits), each release's
// commits (release_commits, what the release page lists) and ticket lookups; and a canonical
// dump of the tables those answers come from, to compare two deliveries of one history.
import { getDb } from "../../../lib/db/client";
import { findCommitLocations, type CommitLocation } from "../../../lib/trace/find-commit-locations";
import { type History, TICKETS } from "./repository-history";

export type ProductRange = { commitSha: string | null; complete: boolean; commits: Set<string>; base: string | null };

export type ProductAnswers = {
  /** Per commit SHA: the applications (`cluster/name`) whose current release contains it, with `since`. */
  containing: Map<string, Map<string, string | null>>;
  /** Per release, keyed `service version`. */
  releases: Map<string, ProductRange>;
  /** Per ticket key: the commits found and the applications containing one of them. */
  tickets: Map<string, { commits: Set<string>; applications: Set<string> }>;
};

const containingApplications = (locations: CommitLocation[]) => {
  const found = new Map<string, string | null>();
  for (const location of locations) {
    for (const service of location.services) {
      for (const application of service.applications) {
        if (application.contains) found.set(`${application.cluster}/${application.name}`, application.since?.toISOString() ?? null);
      }
    }
  }
  return found;
};

export async function readAnswers(history: History): Promise<ProductAnswers> {
  const db = getDb();
  const containing = new Map<string, Map<string, string | null>>();
  await Promise.all(
    history.commits.map(async (commit) => {
      const locations = await findCommitLocations(db, { kind: "sha", prefix: commit.sha });
      containing.set(commit.sha, containingApplications(locations.filter((location) => location.commit.sha === commit.sha)));
    }),
  );

  const rows = await db.$queryRaw<
    { service: string; version: string; commit_sha: string | null; commits_complete: boolean; base: string | null; shas: string[] }[]
  >`
    SELECT s.name AS service, r.version, r.commit_sha, r.commits_complete, base.version AS base,
      COALESCE(array_agg(c.sha) FILTER (WHERE c.sha IS NOT NULL), '{}') AS shas
    FROM releases r JOIN services s ON s.id = r.service_id
    LEFT JOIN releases base ON base.id = r.base_release_id
    LEFT JOIN release_commits rc ON rc.release_id = r.id LEFT JOIN commits c ON c.id = rc.commit_id
    GROUP BY s.name, r.version, r.commit_sha, r.commits_complete, base.version`;
  const releases = new Map(
    rows.map((row) => [
      `${row.service} ${row.version}`,
      { commitSha: row.commit_sha, complete: row.commits_complete, commits: new Set(row.shas), base: row.base },
    ]),
  );

  const tickets = new Map<string, { commits: Set<string>; applications: Set<string> }>();
  await Promise.all(
    TICKETS.map(async (key) => {
      const locations = await findCommitLocations(db, { kind: "ticket", key });
      tickets.set(key, {
        commits: new Set(locations.map((location) => location.commit.sha)),
        applications: new Set(containingApplications(locations).keys()),
      });
    }),
  );
  return { containing, releases, tickets };
}

// Surrogate ids and bookkeeping times differ between two fillings of one history; natural keys
// (service name, release version, commit SHA, application and operation key) stand in for ids.
type Rows = Promise<{ row: string }[]>;
const DUMP: Record<string, (db: ReturnType<typeof getDb>) => Rows> = {
  commits: (db) => db.$queryRaw`SELECT (to_jsonb(c) - 'id' - 'created_at' - 'updated_at')::text AS row FROM commits c ORDER BY 1`,
  pull_requests: (db) => db.$queryRaw`SELECT (to_jsonb(p) - 'id' - 'created_at' - 'updated_at')::text AS row FROM pull_requests p ORDER BY 1`,
  pull_request_commits: (db) => db.$queryRaw`
    SELECT jsonb_build_object('number', p.number, 'sha', c.sha)::text AS row FROM pull_request_commits pc
    JOIN pull_requests p ON p.id = pc.pull_request_id JOIN commits c ON c.id = pc.commit_id ORDER BY 1`,
  builds: (db) => db.$queryRaw`SELECT (to_jsonb(b) - 'id' - 'created_at' - 'updated_at')::text AS row FROM builds b ORDER BY 1`,
  releases: (db) => db.$queryRaw`
    SELECT (to_jsonb(r) - 'id' - 'service_id' - 'base_release_id' - 'created_at' - 'updated_at' - 'commits_checked_at'
      || jsonb_build_object('service', s.name, 'base', base.version))::text AS row
    FROM releases r JOIN services s ON s.id = r.service_id
    -- Read through jsonb: the column is new, and the dump should not depend on its name being there.
    LEFT JOIN releases base ON base.id = (to_jsonb(r) ->> 'base_release_id')::int ORDER BY 1`,
  release_commits: (db) => db.$queryRaw`
    SELECT jsonb_build_object('service', s.name, 'version', r.version, 'sha', c.sha)::text AS row FROM release_commits rc
    JOIN releases r ON r.id = rc.release_id JOIN services s ON s.id = r.service_id JOIN commits c ON c.id = rc.commit_id ORDER BY 1`,
  applications: (db) => db.$queryRaw`
    SELECT (to_jsonb(a) - 'id' - 'argo_instance_id' - 'service_id' - 'team_id' - 'environment_id' - 'cluster_id'
      - 'current_release_id' - 'last_deployment_id' - 'created_at' - 'updated_at'
      || jsonb_build_object('service', s.name, 'current_release', r.version, 'last_deployment', d.operation_key))::text AS row
    FROM applications a JOIN services s ON s.id = a.service_id LEFT JOIN releases r ON r.id = a.current_release_id
    LEFT JOIN deployments d ON d.id = a.last_deployment_id ORDER BY 1`,
  deployments: (db) => db.$queryRaw`
    SELECT (to_jsonb(d) - 'id' - 'application_id' - 'service_id' - 'team_id' - 'environment_id' - 'cluster_id' - 'release_id'
      - 'rolled_back_by_id' - 'created_at' - 'updated_at'
      || jsonb_build_object('application', a.name, 'release', r.version, 'rolled_back_by', rb.operation_key))::text AS row
    FROM deployments d JOIN applications a ON a.id = d.application_id LEFT JOIN releases r ON r.id = d.release_id
    LEFT JOIN deployments rb ON rb.id = d.rolled_back_by_id ORDER BY 1`,
};

/** Every row of the traceability tables as sorted JSON text, table by table. */
export async function dumpTraceability(): Promise<Record<string, string[]>> {
  const db = getDb();
  const dump: Record<string, string[]> = {};
  for (const [table, read] of Object.entries(DUMP)) dump[table] = (await read(db)).map((row) => row.row);
  return dump;
}
