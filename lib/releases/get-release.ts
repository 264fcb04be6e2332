// One release: what it is (version, commit, image), what it carries (the commits it added
// since the previous release, their pull requests, and the tickets and authors among them),
// where it runs now (applications whose current release it is) and how it rolled out
// (per application, every deployment of it). Each part is one indexed read.
import { z } from "zod";
import { idField } from "../api/query-fields";
import { getDb, type DbOrTx } from "../db/client";
import { DeploymentStatus, HealthStatus, PullRequestState, SyncStatus } from "../generated/prisma/enums";
import { teamSchema } from "../services/list-services";

export const getReleaseParams = z.object({ id: idField.meta({ description: "Release id." }) });

/** Commits listed per release; `commitCount` says when there are more (a first release's range). */
const MAX_COMMITS = 500;

const releaseRef = z.object({ id: z.number().int(), version: z.string(), firstSeenAt: z.date() });

const applicationRef = z.object({
  id: z.number().int(),
  name: z.string(),
  environment: z.string(),
  cluster: z.string(),
  region: z.string().nullable(),
});

export const releaseDetailSchema = z
  .object({
    id: z.number().int(),
    version: z.string(),
    firstSeenAt: z.date().meta({ description: "The earliest time it was built or deployed; orders releases of a service." }),
    service: z.object({ id: z.number().int(), name: z.string(), repository: z.string().nullable(), team: teamSchema.nullable() }),
    commitSha: z.string().nullable(),
    image: z.string().nullable(),
    imageTag: z.string().nullable(),
    imageDigest: z.string().nullable(),
    previous: releaseRef.nullable().meta({ description: "The service's release before this one." }),
    commitsComplete: z.boolean().meta({ description: "False until the commits since the previous release are known; `commits` may then be partial." }),
    commitCount: z.number().int().meta({ description: `How many commits the release added; at most ${MAX_COMMITS} are listed.` }),
    commits: z.array(
      z.object({
        sha: z.string(),
        repository: z.string(),
        message: z.string(),
        authorLogin: z.string().nullable(),
        authorName: z.string().nullable(),
        committedAt: z.date(),
        pullRequests: z.array(
          z.object({
            repository: z.string(),
            number: z.number().int(),
            title: z.string(),
            state: z.enum(PullRequestState),
            url: z.string().nullable(),
            authorLogin: z.string().nullable(),
            ticketKeys: z.array(z.string()),
          }),
        ),
      }),
    ),
    tickets: z.array(z.string()).meta({ description: "Ticket keys of the pull requests of all its commits, deduplicated and sorted." }),
    authors: z.array(z.string()).meta({ description: "Authors of all its commits (login, else name), deduplicated and sorted." }),
    runningOn: z
      .array(applicationRef.extend({ since: z.date().nullable(), health: z.enum(HealthStatus), sync: z.enum(SyncStatus) }))
      .meta({ description: "Applications running it now, by environment rank and cluster." }),
    rollout: z
      .array(
        z.object({
          application: applicationRef,
          deployments: z.array(
            z.object({
              id: z.number().int(),
              status: z.enum(DeploymentStatus),
              startedAt: z.date(),
              finishedAt: z.date().nullable(),
              healthyAt: z.date().nullable(),
              isRollback: z.boolean(),
            }),
          ),
        }),
      )
      .meta({ description: "Per application that ever deployed it (by environment rank and cluster), its deployments of this release, oldest first." }),
  })
  .meta({ id: "ReleaseDetail" });

export type ReleaseDetail = z.output<typeof releaseDetailSchema>;

/** The release, or null when there is none with that id. */
export async function getRelease(id: number, db: DbOrTx = getDb()): Promise<ReleaseDetail | null> {
  const [release] = await db.$queryRaw<ReleaseRow[]>`
    SELECT r.id, r.version, r.first_seen_at, r.commit_sha, r.image, r.image_tag, r.image_digest, r.commits_complete,
      s.id AS service_id, s.name AS service_name, s.repository, t.slug AS team_slug, t.name AS team_name,
      p.id AS previous_id, p.version AS previous_version, p.first_seen_at AS previous_first_seen_at,
      (SELECT count(*)::int FROM release_commits rc WHERE rc.release_id = r.id) AS commit_count
    FROM releases r
    JOIN services s ON s.id = r.service_id
    LEFT JOIN teams t ON t.id = s.team_id
    LEFT JOIN LATERAL (
      SELECT id, version, first_seen_at FROM releases
      WHERE service_id = r.service_id AND (first_seen_at, id) < (r.first_seen_at, r.id)
      ORDER BY first_seen_at DESC, id DESC LIMIT 1
    ) p ON true
    WHERE r.id = ${id}`;
  if (!release) return null;

  const [commits, pullRequests, summary, runningOn, deployments] = await Promise.all([
    db.$queryRaw<CommitRow[]>`
      SELECT c.id, c.sha, c.repository, c.message, c.author_login, c.author_name, c.committed_at
      FROM release_commits rc JOIN commits c ON c.id = rc.commit_id
      WHERE rc.release_id = ${id}
      ORDER BY c.committed_at DESC, c.id DESC
      LIMIT ${MAX_COMMITS}`,
    db.$queryRaw<PullRequestRow[]>`
      SELECT pc.commit_id, p.repository, p.number, p.title, p.state::text AS state, p.url, p.author_login, p.ticket_keys
      FROM release_commits rc
      JOIN pull_request_commits pc ON pc.commit_id = rc.commit_id
      JOIN pull_requests p ON p.id = pc.pull_request_id
      WHERE rc.release_id = ${id}
      ORDER BY p.repository, p.number`,
    // Over all the release's commits, listed or not.
    db.$queryRaw<{ tickets: string[]; authors: string[] }[]>`
      SELECT
        ARRAY(SELECT DISTINCT key FROM release_commits rc
          JOIN pull_request_commits pc ON pc.commit_id = rc.commit_id
          JOIN pull_requests p ON p.id = pc.pull_request_id
          CROSS JOIN unnest(p.ticket_keys) AS key
          WHERE rc.release_id = ${id} ORDER BY key) AS tickets,
        ARRAY(SELECT DISTINCT COALESCE(c.author_login, c.author_name) AS author FROM release_commits rc
          JOIN commits c ON c.id = rc.commit_id
          WHERE rc.release_id = ${id} AND COALESCE(c.author_login, c.author_name) IS NOT NULL ORDER BY author) AS authors`,
    db.$queryRaw<(ApplicationRow & { since: Date | null; health: HealthStatus; sync: SyncStatus })[]>`
      SELECT a.id, a.name, e.name AS environment, c.name AS cluster, c.region, a.current_release_since AS since,
        a.health_status::text AS health, a.sync_status::text AS sync
      FROM applications a
      JOIN environments e ON e.id = a.environment_id
      JOIN clusters c ON c.id = a.cluster_id
      WHERE a.current_release_id = ${id} AND a.deleted_at IS NULL
      ORDER BY e.rank, e.name, c.name, a.name, a.id`,
    db.$queryRaw<(ApplicationRow & DeploymentRow)[]>`
      SELECT a.id, a.name, e.name AS environment, c.name AS cluster, c.region,
        d.id AS deployment_id, d.status::text AS status, d.started_at, d.finished_at, d.healthy_at, d.is_rollback
      FROM deployments d
      JOIN applications a ON a.id = d.application_id
      JOIN environments e ON e.id = d.environment_id
      JOIN clusters c ON c.id = d.cluster_id
      WHERE d.release_id = ${id}
      ORDER BY e.rank, e.name, c.name, a.name, a.id, d.started_at, d.id`,
  ]);

  const rollout: ReleaseDetail["rollout"] = [];
  for (const row of deployments) {
    let entry = rollout[rollout.length - 1];
    if (entry?.application.id !== row.id) {
      entry = { application: toApplicationRef(row), deployments: [] };
      rollout.push(entry);
    }
    entry.deployments.push({
      id: row.deployment_id,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      healthyAt: row.healthy_at,
      isRollback: row.is_rollback,
    });
  }

  return {
    id: release.id,
    version: release.version,
    firstSeenAt: release.first_seen_at,
    service: {
      id: release.service_id,
      name: release.service_name,
      repository: release.repository,
      team: release.team_slug === null ? null : { slug: release.team_slug, name: release.team_name! },
    },
    commitSha: release.commit_sha,
    image: release.image,
    imageTag: release.image_tag,
    imageDigest: release.image_digest,
    previous: release.previous_id === null ? null : { id: release.previous_id, version: release.previous_version!, firstSeenAt: release.previous_first_seen_at! },
    commitsComplete: release.commits_complete,
    commitCount: release.commit_count,
    commits: commits.map((commit) => ({
      sha: commit.sha,
      repository: commit.repository,
      message: commit.message,
      authorLogin: commit.author_login,
      authorName: commit.author_name,
      committedAt: commit.committed_at,
      pullRequests: pullRequests
        .filter((pullRequest) => pullRequest.commit_id === commit.id)
        .map((pullRequest) => ({
          repository: pullRequest.repository,
          number: pullRequest.number,
          title: pullRequest.title,
          state: pullRequest.state,
          url: pullRequest.url,
          authorLogin: pullRequest.author_login,
          ticketKeys: pullRequest.ticket_keys,
        })),
    })),
    tickets: summary[0]?.tickets ?? [],
    authors: summary[0]?.authors ?? [],
    runningOn: runningOn.map((row) => ({ ...toApplicationRef(row), since: row.since, health: row.health, sync: row.sync })),
    rollout,
  };
}

type ReleaseRow = {
  id: number;
  version: string;
  first_seen_at: Date;
  commit_sha: string | null;
  image: string | null;
  image_tag: string | null;
  image_digest: string | null;
  commits_complete: boolean;
  service_id: number;
  service_name: string;
  repository: string | null;
  team_slug: string | null;
  team_name: string | null;
  previous_id: number | null;
  previous_version: string | null;
  previous_first_seen_at: Date | null;
  commit_count: number;
};

type CommitRow = {
  id: number;
  sha: string;
  repository: string;
  message: string;
  author_login: string | null;
  author_name: string | null;
  committed_at: Date;
};

type PullRequestRow = {
  commit_id: number;
  repository: string;
  number: number;
  title: string;
  state: PullRequestState;
  url: string | null;
  author_login: string | null;
  ticket_keys: string[];
};

type ApplicationRow = { id: number; name: string; environment: string; cluster: string; region: string | null };

function toApplicationRef(row: ApplicationRow): z.output<typeof applicationRef> {
  return { id: row.id, name: row.name, environment: row.environment, cluster: row.cluster, region: row.region };
}

type DeploymentRow = {
  deployment_id: number;
  status: DeploymentStatus;
  started_at: Date;
  finished_at: Date | null;
  healthy_at: Date | null;
  is_rollback: boolean;
};
