// GitHub deployments as a second source of deployments, for what is not deployed by Argo CD
// (GitHub Pages, Actions deploying to a PaaS, serverless functions, …). GitHub has no
// application object, so one is kept per repository and environment: instance "github",
// namespace = "owner/name", name = the environment, on one cluster named "github". Its service is
// the one named after the repository (case aside), created here when there is none: never another
// service of the repository, whose existence at that moment would depend on arrival order.
//
// One GitHub deployment (its id) is one Shiplog deployment (operation key "github:<id>"). The
// `deployment` event and each `deployment_status` are observations of it, merged with the same
// order-independent rules as Argo CD's (lib/deployments/merge-deployment-observation.ts), and
// the application's current state is derived from its deployments afterwards, so any arrival
// order converges.
//
// Its release is the service's release of the deployed commit. A success (or inactive, which
// GitHub sets on a deployment that ran until a later one replaced it) records that release when
// the service has none for the commit yet, named by githubReleaseChoice below, so a service
// deployed only through GitHub gets releases, and "where is commit X" its answer, as an Argo CD
// sync gives them.
import type { DbOrTx } from "../db/client";
import type { FleetDirectory } from "../fleet/fleet-directory";
import type { DeploymentSource, HealthStatus, OperationPhase } from "../generated/prisma/enums";
import type { ReleaseIdentity } from "../releases/identify-release";
import { recordRelease } from "../releases/record-release";
import { relinkRelease } from "../trace/link-release-commits";
import { deriveDeploymentStatus } from "./derive-deployment-status";
import { phaseLogInsert } from "./phase-log";
import { type DeploymentFacts, isTerminalPhase, mergeDeploymentFacts } from "./merge-deployment-observation";

export const GITHUB_INSTANCE = "github";
const GITHUB_CLUSTER = { server: "https://github.com", name: "github" };

export type GithubDeploymentState = "pending" | "queued" | "in_progress" | "waiting" | "success" | "failure" | "error" | "inactive";

export type GithubDeploymentObservation = {
  repository: string;
  environment: string;
  deploymentId: number;
  sha: string;
  /** The branch, tag or SHA that was asked for; names the release when it is a version tag. */
  ref: string | null;
  creator: string | null;
  description: string | null;
  createdAt: Date;
  /** From deployment_status; absent for the `deployment` event itself. */
  status?: { state: GithubDeploymentState; at: Date; description: string | null };
  /** The payload's newest updated_at. */
  observedAt: Date;
};

// GitHub marks a deployment inactive when a later one to its environment succeeds: by then it
// had been the one running, so it counts as succeeded (a failure reported for it still wins).
const PHASE: Record<GithubDeploymentState, OperationPhase> = {
  pending: "RUNNING",
  queued: "RUNNING",
  in_progress: "RUNNING",
  waiting: "RUNNING",
  success: "SUCCEEDED",
  inactive: "SUCCEEDED",
  failure: "FAILED",
  error: "ERROR",
};

export type RecordedGithubDeployment = {
  applicationId: number;
  deploymentId: number;
  /** Other deployments that gained their release here (seen before the release existed). */
  relinkedDeploymentIds: number[];
};

export async function recordGithubDeployment(
  db: DbOrTx,
  directory: FleetDirectory,
  observation: GithubDeploymentObservation,
): Promise<RecordedGithubDeployment> {
  const application = await githubApplication(db, directory, observation);
  const operationKey = `github:${observation.deploymentId}`;
  // Lock the application: everything about it is serialised, whichever worker holds it.
  const rows = await db.$queryRaw<ExistingRow[]>`
    SELECT d.phase, d.finished_at, d.revision, d.initiated_by, d.automated, d.message, d.observed_at, d.started_at,
           d.rolled_back_by_id, d.release_id
    FROM applications a LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = ${operationKey}
    WHERE a.id = ${application.applicationId}
    FOR UPDATE OF a`;
  const existing = rows[0]?.started_at ? factsFromRow(operationKey, rows[0]) : null;
  const facts = mergeDeploymentFacts(existing, factsOf(operationKey, observation));
  const status = deriveDeploymentStatus({ ...facts, rolledBackById: rows[0]?.rolled_back_by_id ?? null });
  // Whether this observation records the release is decided by the observation alone, not by
  // the merged phase, so every arrival order makes the same calls (each one commutative).
  const ran = observation.status?.state === "success" || observation.status?.state === "inactive";
  const release = await deployedCommitRelease(db, directory, application.serviceId, observation, ran);
  const releaseId = release?.id ?? rows[0]?.release_id ?? null;
  const events = eventsOf(observation);

  const written = await db.$queryRaw<{ id: number }[]>`
    WITH deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, images, initiated_by, automated, message, observed_at, status, updated_at)
      VALUES (${application.applicationId}, ${operationKey}, ${facts.startedAt}, 'GITHUB', ${application.serviceId}, ${application.teamId},
        ${application.environmentId}, ${application.clusterId}, ${releaseId}, ${facts.phase}::"OperationPhase", ${facts.finishedAt},
        ${facts.revision}, '{}'::text[], ${facts.initiatedBy}, ${facts.automated}, ${facts.message}, ${facts.observedAt},
        ${status}::"DeploymentStatus", now())
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision, initiated_by = EXCLUDED.initiated_by,
        automated = EXCLUDED.automated, message = EXCLUDED.message, observed_at = EXCLUDED.observed_at, status = EXCLUDED.status,
        updated_at = now()
      RETURNING id
    ), logged AS (${phaseLogInsert(events)})
    SELECT id FROM deployment`;
  const relinkedDeploymentIds = release?.changed
    ? await giveReleaseToEarlierDeployments(db, application, "GITHUB", observation.sha, release.id)
    : [];
  await refreshGithubApplication(db, application.applicationId);
  return { applicationId: application.applicationId, deploymentId: written[0]!.id, relinkedDeploymentIds };
}

const SHORT_SHA_LENGTH = 12;

/** `v1.2.3`, `1.4.0-rc.1`, `2024.06.01`: a ref named like a version (at least major.minor). */
const VERSION_TAG = /^v?\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.+-]+)?$/;

/**
 * The tag a deployment's ref names, or null. GitHub does not say whether a ref is a branch or a
 * tag, so a tag is `refs/tags/<name>`, or a bare name shaped like a version: naming a release
 * after a branch ("main") would make every commit of the branch one release.
 */
export function releaseTagOf(ref: string | null): string | null {
  if (!ref) return null;
  if (ref.startsWith("refs/tags/")) return ref.slice("refs/tags/".length) || null;
  if (ref.startsWith("refs/")) return null;
  return VERSION_TAG.test(ref) ? ref : null;
}

/** A release of the service that a GitHub deployment's release may be: same commit, or a name it could take. */
export type CandidateRelease = { id: number; version: string; commitSha: string | null; image: string | null; firstSeenAt: Date };

export type GithubReleaseChoice =
  /** The service's release of the commit; renamed to the tag when `renameTo` is set. */
  | { kind: "existing"; release: CandidateRelease; renameTo: string | null }
  /** No release of the commit: record one by this name (new, or one without a commit yet). */
  | { kind: "record"; version: string }
  | { kind: "none" };

/**
 * Which release a GitHub deployment of `sha` with `ref` deployed, from the service's releases
 * that have that commit or one of the names it could take. The rules, so that the same release
 * is found whichever source saw the commit first and in any arrival order:
 *
 * 1. The service's release with that commit that GitHub deployments recorded (no image), the
 *    earliest seen. Not one of an image Argo CD reported: whether that exists yet depends on
 *    arrival order, so reusing it would make the answer depend on it too (the oracle found it).
 * 2. Else the first of these names that no other commit's release of the service holds: the tag
 *    (releaseTagOf), the short SHA (12 characters), the full SHA. A release of that name
 *    without a known commit, or with this one, is taken to be this one (and learns the commit).
 *
 * A release GitHub named (it has no image) after the short SHA takes the tag's name when a
 * deployment of the commit names one (staging deploys `main`, production the tag, in either
 * order); between two tags of one commit the lower-sorting one stays (`v1.2.3` over
 * `v1.2.3-rc.1`). Renames happen only while the name is free in the service.
 */
export function githubReleaseChoice(candidates: CandidateRelease[], sha: string, ref: string | null): GithubReleaseChoice {
  const tag = releaseTagOf(ref);
  const byAge = [...candidates].sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id);
  const own = byAge.find((release) => release.commitSha === sha && release.image === null);
  if (own) return { kind: "existing", release: own, renameTo: tag !== null && takesTag(own, tag, candidates) ? tag : null };
  const free = releaseNames(sha, ref).find((name) =>
    candidates.every((release) => release.version !== name || release.commitSha === null || release.commitSha === sha),
  );
  return free === undefined ? { kind: "none" } : { kind: "record", version: free };
}

/** The names a GitHub deployment's release may take, in order of preference. */
function releaseNames(sha: string, ref: string | null): string[] {
  const names = [releaseTagOf(ref), sha.slice(0, SHORT_SHA_LENGTH), sha];
  return [...new Set(names.filter((name): name is string => name !== null))];
}

/** Whether a release GitHub named (no image) is renamed after a tag of its commit. */
function takesTag(release: CandidateRelease, tag: string, candidates: CandidateRelease[]): boolean {
  if (release.image !== null || candidates.some((candidate) => candidate.version === tag)) return false;
  const namedBySha = release.commitSha !== null && release.commitSha.startsWith(release.version);
  return namedBySha || tag < release.version;
}

/**
 * The release a GitHub deployment deployed, recorded (created, renamed, seen earlier, given its
 * commit) when the deployment ran; otherwise only looked up. `changed`: the release is new or
 * has just learned this commit. GitLab deployments (record-gitlab-deployment.ts) name theirs the
 * same way: both deploy a commit, not an image.
 */
export async function deployedCommitRelease(
  db: DbOrTx,
  directory: FleetDirectory,
  serviceId: number,
  observation: Pick<GithubDeploymentObservation, "sha" | "ref" | "createdAt">,
  ran: boolean,
): Promise<{ id: number; changed: boolean } | null> {
  const { sha } = observation;
  const names = releaseNames(sha, observation.ref);
  const candidates = await db.$queryRaw<(CandidateRelease & { imageTag: string | null; imageDigest: string | null })[]>`
    SELECT id, version, commit_sha AS "commitSha", image, first_seen_at AS "firstSeenAt", image_tag AS "imageTag",
           image_digest AS "imageDigest"
    FROM releases WHERE service_id = ${serviceId} AND (commit_sha = ${sha} OR version = ANY(${names}::text[]))`;
  const choice = githubReleaseChoice(candidates, sha, observation.ref);
  if (choice.kind === "none") return null;
  if (!ran) return choice.kind === "existing" ? { id: choice.release.id, changed: false } : null;

  let identity: ReleaseIdentity;
  if (choice.kind === "existing") {
    const { release, renameTo } = choice;
    if (renameTo !== null) {
      await db.$executeRaw`UPDATE releases SET version = ${renameTo} WHERE id = ${release.id}`;
      directory.releases.delete(`${serviceId}|${release.version}`);
    }
    // Nothing more to learn: it has the commit and was seen no later than this deployment.
    if (release.firstSeenAt <= observation.createdAt) return { id: release.id, changed: false };
    const row = candidates.find((candidate) => candidate.id === release.id)!;
    identity = releaseIdentity(renameTo ?? release.version, row.image, row.imageTag, row.imageDigest);
  } else {
    // No image: GitHub deployed a commit, not a container image.
    identity = releaseIdentity(choice.version, null, null, null);
  }
  const recorded = await recordRelease(db, { serviceId, identity, seenAt: observation.createdAt, commitSha: sha });
  if (recorded.changed || recorded.movedFrom) await relinkRelease(db, recorded.id);
  return { id: recorded.id, changed: recorded.changed };
}

/**
 * recordRelease's identity of a release that may have no image: ReleaseIdentity types `image` as
 * a string (Argo CD's releases always have one), while releases.image is nullable and a release
 * GitHub recorded leaves it null rather than invent an image that builds could match.
 */
function releaseIdentity(version: string, image: string | null, tag: string | null, digest: string | null): ReleaseIdentity {
  return { version, image: image as unknown as string, tag: tag ?? undefined, digest: digest ?? undefined };
}

/**
 * A release recorded after some of its deployments (a failure, or a success in another
 * environment, seen before the first success) is theirs too: give it to the service's
 * deployments of the commit from the same source that have none, and refresh the applications that changed.
 */
export async function giveReleaseToEarlierDeployments(
  db: DbOrTx,
  application: { applicationId: number; serviceId: number },
  source: Extract<DeploymentSource, "GITHUB" | "GITLAB">,
  sha: string,
  releaseId: number,
): Promise<number[]> {
  const relinked = await db.$queryRaw<{ id: number; application_id: number }[]>`
    UPDATE deployments SET release_id = ${releaseId}, updated_at = now()
    WHERE service_id = ${application.serviceId} AND source = ${source}::"DeploymentSource" AND revision = ${sha} AND release_id IS NULL
    RETURNING id, application_id`;
  const applications = new Set(relinked.map((row) => row.application_id));
  applications.delete(application.applicationId);
  for (const applicationId of applications) await refreshGithubApplication(db, applicationId);
  return relinked.map((row) => row.id);
}

type GithubApplication = { applicationId: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number };

async function githubApplication(db: DbOrTx, directory: FleetDirectory, observation: GithubDeploymentObservation): Promise<GithubApplication> {
  const instanceId = await directory.instanceId(db, GITHUB_INSTANCE);
  const clusterId = await directory.clusterId(db, instanceId, GITHUB_CLUSTER);
  const environmentName = observation.environment.trim().toLowerCase();
  const environmentId = await directory.environmentId(db, environmentName);
  const repositoryName = observation.repository.split("/")[1] ?? observation.repository;
  // The service named after the repository, never "some service of the repository": which of
  // those exists yet depends on arrival order (a monorepo's other services), and so would the answer.
  const known = await db.$queryRaw<{ id: number; team_id: number | null }[]>`
    SELECT id, team_id FROM services WHERE lower(name) = lower(${repositoryName})
    ORDER BY (repository = ${observation.repository}) DESC NULLS LAST, name LIMIT 1`;
  const service =
    known[0] !== undefined
      ? { id: known[0].id, teamId: known[0].team_id }
      : await directory.service(db, {
          service: repositoryName,
          repository: observation.repository,
          environment: environmentName,
          cluster: GITHUB_CLUSTER,
        });
  const placement = { serviceId: service.id, environmentId, clusterId };
  const application = await db.application.upsert({
    where: { argoInstanceId_namespace_name: { argoInstanceId: instanceId, namespace: observation.repository, name: environmentName } },
    create: {
      argoInstanceId: instanceId,
      namespace: observation.repository,
      name: environmentName,
      project: GITHUB_INSTANCE,
      repoUrl: `https://github.com/${observation.repository}`,
      ...placement,
    },
    update: placement,
    select: { id: true },
  });
  return { applicationId: application.id, serviceId: service.id, teamId: service.teamId, environmentId, clusterId };
}

function factsOf(operationKey: string, observation: GithubDeploymentObservation): DeploymentFacts {
  const state = observation.status?.state;
  const phase = state ? PHASE[state] : "RUNNING";
  return {
    operationKey,
    startedAt: observation.createdAt,
    phase,
    // An inactive status is the time it was replaced, not the time it finished.
    finishedAt: isTerminalPhase(phase) && state !== "inactive" ? observation.status!.at : null,
    revision: observation.sha,
    images: [],
    initiatedBy: observation.creator,
    automated: observation.creator?.endsWith("[bot]") ?? false,
    argoHistoryId: null,
    message: observation.status?.description || observation.description || null,
    // GitHub reports no health; the status alone decides (deriveDeploymentStatus).
    lastHealth: null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: observation.observedAt,
  };
}

/** The phase log entries one observation states, in Argo CD's vocabulary where one exists. */
function eventsOf(observation: GithubDeploymentObservation): { kind: string; at: Date; detail: string | null }[] {
  const events = [{ kind: "sync-running", at: observation.createdAt, detail: observation.creator ? `by ${observation.creator}` : null }];
  const status = observation.status;
  if (status) {
    const kind = { success: "sync-succeeded", failure: "sync-failed", error: "sync-error" }[status.state as string] ?? `status-${status.state}`;
    events.push({ kind, at: status.at, detail: status.description || null });
  }
  return events;
}

/**
 * The application's state from its deployments alone, ordered by their own creation time (not
 * by arrival): the newest one is the last operation; the newest succeeded one is what runs
 * (revision, release), since the first success of the unbroken run of successes of that release
 * leading up to it, as for Argo CD (a redeploy of the same commit does not restart the clock).
 * Deployment events of other deployers (record-deployer-deployment.ts) use it too.
 */
export async function refreshGithubApplication(db: DbOrTx, applicationId: number): Promise<void> {
  await db.$executeRaw`
    WITH newest AS (
      SELECT id, phase, started_at, finished_at FROM deployments WHERE application_id = ${applicationId}
      ORDER BY started_at DESC, operation_key DESC LIMIT 1
    ), running AS (
      SELECT id, revision, release_id, started_at, finished_at FROM deployments
      WHERE application_id = ${applicationId} AND phase = 'SUCCEEDED'
      ORDER BY started_at DESC, operation_key DESC LIMIT 1
    )
    UPDATE applications SET
      last_deployment_id = (SELECT id FROM newest),
      last_operation_phase = (SELECT phase FROM newest),
      last_operation_at = (SELECT COALESCE(finished_at, started_at) FROM newest),
      synced_revision = (SELECT revision FROM running),
      current_release_id = (SELECT release_id FROM running),
      current_release_since = (
        SELECT min(COALESCE(d.finished_at, d.started_at)) FROM deployments d, running
        WHERE d.application_id = ${applicationId} AND d.phase = 'SUCCEEDED' AND d.release_id IS NOT DISTINCT FROM running.release_id
          AND NOT EXISTS (
            SELECT 1 FROM deployments o
            WHERE o.application_id = ${applicationId} AND o.phase = 'SUCCEEDED' AND o.release_id IS DISTINCT FROM running.release_id
              AND (o.started_at, o.operation_key) > (d.started_at, d.operation_key))),
      sync_status = CASE
        WHEN NOT EXISTS (SELECT 1 FROM newest) THEN 'UNKNOWN'
        WHEN (SELECT phase FROM newest) = 'SUCCEEDED' THEN 'SYNCED' ELSE 'OUT_OF_SYNC' END::"SyncStatus",
      health_status = CASE
        WHEN (SELECT phase FROM newest) IN ('RUNNING', 'TERMINATING') THEN 'PROGRESSING'
        WHEN EXISTS (SELECT 1 FROM running) THEN 'HEALTHY' ELSE 'UNKNOWN' END::"HealthStatus",
      observed_at = (SELECT max(observed_at) FROM deployments WHERE application_id = ${applicationId}),
      updated_at = now()
    WHERE id = ${applicationId}`;
}

/** A deployments row as GitHub's and GitLab's deployment recorders read it back to merge into. */
export type ExistingRow = {
  phase: OperationPhase;
  finished_at: Date | null;
  revision: string | null;
  initiated_by: string | null;
  automated: boolean;
  message: string | null;
  observed_at: Date;
  started_at: Date | null;
  rolled_back_by_id: number | null;
  release_id: number | null;
};

export function factsFromRow(operationKey: string, row: ExistingRow): DeploymentFacts {
  return {
    operationKey,
    startedAt: row.started_at!,
    phase: row.phase,
    finishedAt: row.finished_at,
    revision: row.revision,
    images: [],
    initiatedBy: row.initiated_by,
    automated: row.automated,
    argoHistoryId: null,
    message: row.message,
    lastHealth: null as HealthStatus | null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: row.observed_at,
  };
}
