// One release: what it is (version, commit, image, config revisions), what it carries (the
// commits it added since its base release, their pull requests, and the tickets and authors
// among them; in a monorepo only those that touched the service's paths,
// lib/releases/service-path-filter.ts), where it runs now, and how it rolled out: per application of the
// service, its deployments of this release (none: "not yet"), with rollback links, and the
// rollbacks requested through Shiplog from or to it. Every part is one indexed read and every
// list is capped, so a release deployed to hundreds of clusters stays one bounded page.
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { idField } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { config } from "../env";
import { DeploymentStatus, HealthStatus, RollbackMethod, RollbackState, SyncStatus } from "../generated/prisma/enums";
import { teamSchema } from "../services/list-services";
import { argoRolloutSchema, listApplicationRollouts } from "../argo-rollouts/list-application-rollouts";
import { attachPullRequests, releaseCommitSchema, type CommitRow } from "./attach-pull-requests";
import { buildArgocdUrl } from "./build-argocd-url";
import { buildGithubUrl } from "./build-github-url";
import { commitCountsForPaths, describePathFilter, pathFilterCounts, pathFilterSchema } from "./service-path-filter";

export const getReleaseParams = z.object({ id: idField.meta({ description: "Release id." }) });

/** Commits listed per release; `commitCount` says when there are more (a first release's range). */
export const MAX_COMMITS = 500;
/** Applications of the service listed in the rollout; `rolloutApplicationCount` says how many in all. */
export const MAX_ROLLOUT_APPLICATIONS = 1000;
/** Deployments of the release listed in the rollout; `deploymentCount` says how many in all. */
export const MAX_ROLLOUT_DEPLOYMENTS = 2000;
/** Rollbacks requested through Shiplog from or to the release, newest first. */
const MAX_ROLLBACKS = 50;

const releaseRef = z.object({ id: z.number().int(), version: z.string(), firstSeenAt: z.date() });
const shortReleaseRef = z.object({ id: z.number().int(), version: z.string() });

const applicationRef = z.object({
  id: z.number().int(),
  name: z.string(),
  environment: z.string(),
  cluster: z.string(),
  region: z.string().nullable(),
});

const deploymentLink = z.object({ deploymentId: z.number().int(), release: shortReleaseRef.nullable() });

export const releaseDetailSchema = z
  .object({
    id: z.number().int(),
    version: z.string(),
    firstSeenAt: z.date().meta({ description: "The earliest time it was built or deployed; orders releases of a service." }),
    service: z.object({
      id: z.number().int(),
      name: z.string(),
      repository: z.string().nullable(),
      repositoryUrl: z.string().nullable().meta({ description: "The repository on GitHub." }),
      team: teamSchema.nullable(),
    }),
    commitSha: z.string().nullable(),
    commitUrl: z.string().nullable().meta({ description: "The release's commit on GitHub." }),
    image: z.string().nullable(),
    imageTag: z.string().nullable(),
    imageDigest: z.string().nullable(),
    images: z.array(z.string()).meta({ description: "Every image its deployments ran (the service's and sidecars), sorted." }),
    revisions: z.array(z.string()).meta({ description: "The config repository revisions Argo CD synced to deploy it, newest first." }),
    previous: releaseRef.nullable().meta({ description: "The service's release before this one." }),
    next: releaseRef.nullable().meta({ description: "The service's release after this one." }),
    commitsComplete: z.boolean().meta({ description: "False until the commits since the previous release are known; `commits` may then be partial." }),
    commitsIncompleteReason: z.string().nullable().meta({ description: "Why GitHub's compare API could not complete the range, when it was asked." }),
    commitsCheckedAt: z.date().nullable().meta({ description: "When GitHub's compare API was last asked." }),
    commitCount: z.number().int().meta({
      description: `How many commits the release added that count for the service (in a monorepo, those that touched its paths or whose files are not known: \`pathFilter\`); at most ${MAX_COMMITS} are listed.`,
    }),
    pathFilter: pathFilterSchema,
    commits: z.array(
      releaseCommitSchema.extend({
        filesKnown: z.boolean().meta({ description: "False when which files it touched is not known; in a monorepo it is then listed because it may touch the service's paths." }),
      }),
    ),
    tickets: z.array(z.string()).meta({ description: "Ticket keys of the pull requests of all the commits that count, deduplicated and sorted." }),
    authors: z.array(z.string()).meta({ description: "Authors of all the commits that count (login, else name), deduplicated and sorted." }),
    runningOn: z
      .array(applicationRef.extend({ since: z.date().nullable(), health: z.enum(HealthStatus), sync: z.enum(SyncStatus) }))
      .meta({ description: "Applications running it now, by environment rank and cluster." }),
    rolloutApplicationCount: z.number().int().meta({ description: `Applications in the rollout; at most ${MAX_ROLLOUT_APPLICATIONS} are listed.` }),
    deploymentCount: z.number().int().meta({ description: `Deployments of this release; at most ${MAX_ROLLOUT_DEPLOYMENTS} are listed.` }),
    rollout: z
      .array(
        z.object({
          application: applicationRef.extend({
            namespace: z.string(),
            environmentIsProduction: z.boolean(),
            argoInstance: z.string(),
            argocdUrl: z.string().nullable().meta({ description: "The application in its Argo CD instance's web UI, when the instance's URL is known." }),
            deleted: z.boolean().meta({ description: "No longer in Argo CD." }),
          }),
          current: shortReleaseRef.nullable().meta({ description: "What the application runs now." }),
          health: z.enum(HealthStatus),
          sync: z.enum(SyncStatus),
          argoRollouts: z.array(argoRolloutSchema).meta({
            description: "The application's Argo Rollouts Rollouts (canary steps and weight, pause, analysis, abort, blue-green), while this release is the one it runs or last deployed.",
          }),
          deployments: z.array(
            z.object({
              id: z.number().int(),
              status: z.enum(DeploymentStatus),
              startedAt: z.date(),
              finishedAt: z.date().nullable(),
              healthyAt: z.date().nullable(),
              isRollback: z.boolean(),
              revision: z.string().nullable(),
              initiatedBy: z.string().nullable(),
              rolledBackBy: deploymentLink.nullable().meta({ description: "The deployment that replaced it with an earlier release." }),
              rollsBack: deploymentLink.nullable().meta({ description: "For a rollback to this release: the deployment it reverted." }),
            }),
          ),
        }),
      )
      .meta({
        description:
          "Every application of the service (and removed ones that deployed it), by environment rank and cluster, with its deployments of this release, oldest first; none means it has not reached that application.",
      }),
    rollbacks: z
      .array(
        z.object({
          id: z.number().int(),
          state: z.enum(RollbackState),
          method: z.enum(RollbackMethod),
          application: applicationRef,
          fromRelease: shortReleaseRef.nullable(),
          toRelease: shortReleaseRef,
          reason: z.string(),
          requestedBy: z.string(),
          requestedAt: z.date(),
          finishedAt: z.date().nullable(),
        }),
      )
      .meta({ description: `Rollbacks requested through Shiplog away from or back to this release, newest first; at most ${MAX_ROLLBACKS}.` }),
  })
  .meta({ id: "ReleaseDetail" });

export type ReleaseDetail = z.output<typeof releaseDetailSchema>;
export type RolloutEntry = ReleaseDetail["rollout"][number];

/** The release, or null when there is none with that id. */
export async function getRelease(id: number, db: DbOrTx = readDb()): Promise<ReleaseDetail | null> {
  const [release] = await db.$queryRaw<ReleaseRow[]>`
    SELECT r.id, r.version, r.first_seen_at, r.commit_sha, r.image, r.image_tag, r.image_digest, r.commits_complete,
      r.commits_incomplete_reason, r.commits_checked_at,
      s.id AS service_id, s.name AS service_name, s.repository, s.paths AS service_paths, t.slug AS team_slug, t.name AS team_name,
      p.id AS previous_id, p.version AS previous_version, p.first_seen_at AS previous_first_seen_at,
      n.id AS next_id, n.version AS next_version, n.first_seen_at AS next_first_seen_at,
      rcn.repository_commits, rcn.counted AS commit_count, rcn.other_paths, rcn.unknown_files,
      (SELECT count(*)::int FROM deployments d WHERE d.release_id = r.id) AS deployment_count
    FROM releases r
    JOIN services s ON s.id = r.service_id
    LEFT JOIN teams t ON t.id = s.team_id
    CROSS JOIN LATERAL (
      SELECT ${pathFilterCounts(Prisma.sql`s.paths`)} FROM release_commits rc JOIN commits c ON c.id = rc.commit_id WHERE rc.release_id = r.id
    ) rcn
    LEFT JOIN LATERAL (
      SELECT id, version, first_seen_at FROM releases
      WHERE service_id = r.service_id AND first_seen_at <= r.first_seen_at AND (first_seen_at, id) < (r.first_seen_at, r.id)
      ORDER BY first_seen_at DESC, id DESC LIMIT 1
    ) p ON true
    LEFT JOIN LATERAL (
      SELECT id, version, first_seen_at FROM releases
      WHERE service_id = r.service_id AND first_seen_at >= r.first_seen_at AND (first_seen_at, id) > (r.first_seen_at, r.id)
      ORDER BY first_seen_at, id LIMIT 1
    ) n ON true
    WHERE r.id = ${id}`;
  if (!release) return null;
  // Which of the range's commits count for the service (all, without paths).
  const counts = (alias: string) => commitCountsForPaths(Prisma.raw(`${alias}.paths`), Prisma.sql`${release.service_paths}::text[]`);

  const [commitRows, summary, runningOn, deployments] = await Promise.all([
    db.$queryRaw<(CommitRow & { files_known: boolean })[]>`
      SELECT c.id, c.sha, c.repository, c.message, c.author_login, c.author_name, c.committed_at, c.paths IS NOT NULL AS files_known
      FROM release_commits rc JOIN commits c ON c.id = rc.commit_id
      WHERE rc.release_id = ${id} AND ${counts("c")}
      ORDER BY c.committed_at DESC, c.id DESC
      LIMIT ${MAX_COMMITS}`,
    // Over all the release's commits that count, listed or not.
    db.$queryRaw<{ tickets: string[]; authors: string[] }[]>`
      SELECT
        ARRAY(SELECT DISTINCT key FROM release_commits rc
          JOIN commits c ON c.id = rc.commit_id AND ${counts("c")}
          JOIN pull_request_commits pc ON pc.commit_id = rc.commit_id
          JOIN pull_requests p ON p.id = pc.pull_request_id
          CROSS JOIN unnest(p.ticket_keys) AS key
          WHERE rc.release_id = ${id} ORDER BY key) AS tickets,
        ARRAY(SELECT DISTINCT COALESCE(c.author_login, c.author_name) AS author FROM release_commits rc
          JOIN commits c ON c.id = rc.commit_id
          WHERE rc.release_id = ${id} AND ${counts("c")} AND COALESCE(c.author_login, c.author_name) IS NOT NULL ORDER BY author) AS authors`,
    db.$queryRaw<(ApplicationRow & { since: Date | null; health: HealthStatus; sync: SyncStatus })[]>`
      SELECT a.id, a.name, e.name AS environment, c.name AS cluster, c.region, a.current_release_since AS since,
        a.health_status::text AS health, a.sync_status::text AS sync
      FROM applications a
      JOIN environments e ON e.id = a.environment_id
      JOIN clusters c ON c.id = a.cluster_id
      WHERE a.current_release_id = ${id} AND a.deleted_at IS NULL
      ORDER BY e.rank, e.name, c.name, a.name, a.id
      LIMIT ${MAX_ROLLOUT_APPLICATIONS}`,
    // By the release_id index; the rollback neighbours by primary key and within one application.
    db.$queryRaw<DeploymentRow[]>`
      SELECT d.id, d.application_id, d.status::text AS status, d.started_at, d.finished_at, d.healthy_at, d.is_rollback,
        d.revision, d.images, d.initiated_by,
        d.rolled_back_by_id, rbr.id AS rolled_back_by_release_id, rbr.version AS rolled_back_by_release_version,
        prev.id AS rolls_back_id, pr.id AS rolls_back_release_id, pr.version AS rolls_back_release_version
      FROM deployments d
      LEFT JOIN deployments rb ON rb.id = d.rolled_back_by_id
      LEFT JOIN releases rbr ON rbr.id = rb.release_id
      LEFT JOIN LATERAL (
        SELECT p.id, p.release_id FROM deployments p
        WHERE d.is_rollback AND p.application_id = d.application_id AND p.rolled_back_by_id = d.id
        ORDER BY p.started_at DESC LIMIT 1
      ) prev ON true
      LEFT JOIN releases pr ON pr.id = prev.release_id
      WHERE d.release_id = ${id}
      ORDER BY d.started_at, d.id
      LIMIT ${MAX_ROLLOUT_DEPLOYMENTS}`,
  ]);

  // The service's live applications, and removed ones that deployed this release.
  const deployedApplicationIds = [...new Set(deployments.map((deployment) => deployment.application_id))];
  const [applications, applicationCount, commits] = await Promise.all([
    db.$queryRaw<RolloutApplicationRow[]>`
      SELECT a.id, a.name, a.namespace, e.name AS environment, e.is_production, c.name AS cluster, c.region,
        ai.name AS argo_instance, ai.url AS argo_instance_url, a.deleted_at IS NOT NULL AS deleted,
        a.current_release_id, cr.version AS current_version, a.health_status::text AS health, a.sync_status::text AS sync
      FROM applications a
      JOIN environments e ON e.id = a.environment_id
      JOIN clusters c ON c.id = a.cluster_id
      JOIN argo_instances ai ON ai.id = a.argo_instance_id
      LEFT JOIN releases cr ON cr.id = a.current_release_id
      WHERE a.service_id = ${release.service_id} AND (a.deleted_at IS NULL OR a.id = ANY(${deployedApplicationIds}::int[]))
      ORDER BY e.rank, e.name, c.name, a.name, a.id
      LIMIT ${MAX_ROLLOUT_APPLICATIONS}`,
    db.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM applications a
      WHERE a.service_id = ${release.service_id} AND (a.deleted_at IS NULL OR a.id = ANY(${deployedApplicationIds}::int[]))`,
    // In the rows' order.
    attachPullRequests(db, commitRows).then((listed) => listed.map((commit, index) => ({ ...commit, filesKnown: commitRows[index]!.files_known }))),
  ]);

  const applicationIds = applications.map((application) => application.id);
  const [rollbacks, argoRollouts] = await Promise.all([db.$queryRaw<RollbackRow[]>`
    SELECT rb.id, rb.state::text AS state, rb.method::text AS method, rb.reason, rb.requested_by, rb.requested_at, rb.finished_at,
      rb.application_id, fr.id AS from_id, fr.version AS from_version, tr.id AS to_id, tr.version AS to_version
    FROM rollbacks rb
    LEFT JOIN releases fr ON fr.id = rb.from_release_id
    JOIN releases tr ON tr.id = rb.to_release_id
    WHERE rb.application_id = ANY(${applicationIds}::int[]) AND (rb.from_release_id = ${id} OR rb.to_release_id = ${id})
    ORDER BY rb.requested_at DESC, rb.id DESC
    LIMIT ${MAX_ROLLBACKS}`, listApplicationRollouts(applicationIds, id, db)]);

  const githubApi = config().GITHUB_API_URL;
  const byApplication = new Map<number, DeploymentRow[]>();
  for (const deployment of deployments) byApplication.set(deployment.application_id, [...(byApplication.get(deployment.application_id) ?? []), deployment]);
  const applicationById = new Map(applications.map((application) => [application.id, application]));

  const rollout: ReleaseDetail["rollout"] = applications.map((application) => ({
    application: {
      ...toApplicationRef(application),
      namespace: application.namespace,
      environmentIsProduction: application.is_production,
      argoInstance: application.argo_instance,
      argocdUrl: buildArgocdUrl({ instance: application.argo_instance, instanceUrl: application.argo_instance_url, namespace: application.namespace, name: application.name }),
      deleted: application.deleted,
    },
    current: application.current_release_id === null ? null : { id: application.current_release_id, version: application.current_version! },
    health: application.health,
    sync: application.sync,
    argoRollouts: argoRollouts.get(application.id) ?? [],
    deployments: (byApplication.get(application.id) ?? []).map((deployment) => ({
      id: deployment.id,
      status: deployment.status,
      startedAt: deployment.started_at,
      finishedAt: deployment.finished_at,
      healthyAt: deployment.healthy_at,
      isRollback: deployment.is_rollback,
      revision: deployment.revision,
      initiatedBy: deployment.initiated_by,
      rolledBackBy:
        deployment.rolled_back_by_id === null
          ? null
          : { deploymentId: deployment.rolled_back_by_id, release: releaseOrNull(deployment.rolled_back_by_release_id, deployment.rolled_back_by_release_version) },
      rollsBack:
        deployment.rolls_back_id === null
          ? null
          : { deploymentId: deployment.rolls_back_id, release: releaseOrNull(deployment.rolls_back_release_id, deployment.rolls_back_release_version) },
    })),
  }));

  const newestFirst = [...deployments].reverse();
  return {
    id: release.id,
    version: release.version,
    firstSeenAt: release.first_seen_at,
    service: {
      id: release.service_id,
      name: release.service_name,
      repository: release.repository,
      repositoryUrl: release.repository ? buildGithubUrl(githubApi, { kind: "repository", repository: release.repository }) : null,
      team: release.team_slug === null ? null : { slug: release.team_slug, name: release.team_name! },
    },
    commitSha: release.commit_sha,
    commitUrl: release.repository && release.commit_sha ? buildGithubUrl(githubApi, { kind: "commit", repository: release.repository, sha: release.commit_sha }) : null,
    image: release.image,
    imageTag: release.image_tag,
    imageDigest: release.image_digest,
    images: [...new Set(deployments.flatMap((deployment) => deployment.images))].sort(),
    revisions: [...new Set(newestFirst.flatMap((deployment) => deployment.revision ?? []))],
    previous: release.previous_id === null ? null : { id: release.previous_id, version: release.previous_version!, firstSeenAt: release.previous_first_seen_at! },
    next: release.next_id === null ? null : { id: release.next_id, version: release.next_version!, firstSeenAt: release.next_first_seen_at! },
    commitsComplete: release.commits_complete,
    commitsIncompleteReason: release.commits_incomplete_reason,
    commitsCheckedAt: release.commits_checked_at,
    commitCount: release.commit_count,
    pathFilter: describePathFilter(release.service_paths, {
      repository: release.repository_commits,
      otherPaths: release.other_paths,
      unknownFiles: release.unknown_files,
    }),
    commits,
    tickets: summary[0]?.tickets ?? [],
    authors: summary[0]?.authors ?? [],
    runningOn: runningOn.map((row) => ({ ...toApplicationRef(row), since: row.since, health: row.health, sync: row.sync })),
    rolloutApplicationCount: applicationCount[0]?.count ?? 0,
    deploymentCount: release.deployment_count,
    rollout,
    rollbacks: rollbacks.map((rollback) => ({
      id: rollback.id,
      state: rollback.state,
      method: rollback.method,
      application: toApplicationRef(applicationById.get(rollback.application_id)!),
      fromRelease: releaseOrNull(rollback.from_id, rollback.from_version),
      toRelease: { id: rollback.to_id, version: rollback.to_version },
      reason: rollback.reason,
      requestedBy: rollback.requested_by,
      requestedAt: rollback.requested_at,
      finishedAt: rollback.finished_at,
    })),
  };
}

function releaseOrNull(id: number | null, version: string | null): z.output<typeof shortReleaseRef> | null {
  return id === null ? null : { id, version: version! };
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
  commits_incomplete_reason: string | null;
  commits_checked_at: Date | null;
  service_id: number;
  service_name: string;
  repository: string | null;
  service_paths: string[] | null;
  team_slug: string | null;
  team_name: string | null;
  previous_id: number | null;
  previous_version: string | null;
  previous_first_seen_at: Date | null;
  next_id: number | null;
  next_version: string | null;
  next_first_seen_at: Date | null;
  repository_commits: number;
  commit_count: number;
  other_paths: number;
  unknown_files: number;
  deployment_count: number;
};

type ApplicationRow = { id: number; name: string; environment: string; cluster: string; region: string | null };

type RolloutApplicationRow = ApplicationRow & {
  namespace: string;
  is_production: boolean;
  argo_instance: string;
  argo_instance_url: string | null;
  deleted: boolean;
  current_release_id: number | null;
  current_version: string | null;
  health: HealthStatus;
  sync: SyncStatus;
};

function toApplicationRef(row: ApplicationRow): z.output<typeof applicationRef> {
  return { id: row.id, name: row.name, environment: row.environment, cluster: row.cluster, region: row.region };
}

type DeploymentRow = {
  id: number;
  application_id: number;
  status: DeploymentStatus;
  started_at: Date;
  finished_at: Date | null;
  healthy_at: Date | null;
  is_rollback: boolean;
  revision: string | null;
  images: string[];
  initiated_by: string | null;
  rolled_back_by_id: number | null;
  rolled_back_by_release_id: number | null;
  rolled_back_by_release_version: string | null;
  rolls_back_id: number | null;
  rolls_back_release_id: number | null;
  rolls_back_release_version: string | null;
};

type RollbackRow = {
  id: number;
  state: RollbackState;
  method: RollbackMethod;
  reason: string;
  requested_by: string;
  requested_at: Date;
  finished_at: Date | null;
  application_id: number;
  from_id: number | null;
  from_version: string | null;
  to_id: number;
  to_version: string;
};
