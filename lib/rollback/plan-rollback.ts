// Plans a rollback before anything happens: reads the applications in scope (one application,
// a deployment's application, or the applications running a release that the scope selects:
// select-scoped-applications.ts), the earlier releases
// they ran, and active rollbacks; decides target, method, waves and approval
// (decide-rollback-plan.ts); and, when asked, dry-runs it (Argo CD `dryRun: true`, or reading
// the config file on GitHub and computing the edit).
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { AppError } from "../http/app-error";
import { type ApplicationFact, type HistoryFact, type PlanFacts, type ReleaseFact, decideRollbackPlan, describeBlockers } from "./decide-rollback-plan";
import { explainArgoCdError, explainGitopsError } from "./explain-rollback-error";
import { groupBlockers, groupPlannedApplications } from "./group-rollback-plan";
import { prepareGitopsChange } from "../gitops/prepare-gitops-change";
import type { RollbackDependencies } from "./rollback-dependencies";
import { type PlanRollbackInput, type RollbackPlan, type RollbackScope, type ScopeChoices, planRollbackInputSchema, rollbackPlanSchema } from "./rollback-plan";
import { ACTIVE_ROLLBACK_STATES } from "./rollback-states";
import { type ScopeMember, describeScopeChoices, selectScopedApplications } from "./select-scoped-applications";

/** One rollback can change this many applications; a larger scope is refused with the way to narrow it. */
export const MAX_PLANNED_APPLICATIONS = 1_000;
/** Applications of one release read to offer the scope's choices (a few columns each). */
export const MAX_RELEASE_APPLICATIONS = 20_000;

const releaseSelect = { id: true, version: true, firstSeenAt: true, commitSha: true, image: true, imageTag: true } as const;
const applicationInclude = {
  argoInstance: { select: { name: true } },
  cluster: { select: { id: true, name: true, region: true } },
  environment: { select: { name: true, rank: true, isProduction: true } },
  currentRelease: { select: releaseSelect },
} as const;

export async function planRollback(db: DbOrTx, rawInput: PlanRollbackInput, deps: RollbackDependencies): Promise<RollbackPlan> {
  const input = planRollbackInputSchema.parse(rawInput);
  const facts = await readPlanFacts(db, input.scope);
  const plan = decideRollbackPlan(facts, {
    targetReleaseId: input.targetReleaseId,
    method: input.method,
    approval: deps.settings.approval,
    githubConfigured: deps.github !== null,
    gitlabHost: deps.gitlab?.host ?? null,
    gitlabConfigured: Boolean(deps.gitlab?.api),
    argoInstances: deps.argoInstances,
  });
  if (input.dryRun && plan.target) await dryRunPlan(plan, facts, deps);
  return rollbackPlanSchema.parse(plan);
}

export async function readPlanFacts(db: DbOrTx, requested: RollbackScope): Promise<PlanFacts> {
  let scope = requested;
  type Row = Prisma.ApplicationGetPayload<{ include: typeof applicationInclude }>;
  let rows: Row[];
  let fromRelease: ReleaseFact | null;
  let serviceId: number;
  let scopeChoices: ScopeChoices | null = null;
  if (scope.kind === "release") {
    const release = await db.release.findUnique({ where: { id: scope.releaseId }, select: { ...releaseSelect, serviceId: true } });
    if (!release) throw new AppError("not_found", `Release ${scope.releaseId} does not exist.`);
    const members = await readScopeMembers(db, release);
    const selected = selectScopedApplications(members, scope.select, release.version);
    if (!selected.ok) throw new AppError("bad_request", selected.reason, { details: { scope } });
    if (selected.applicationIds.length > MAX_PLANNED_APPLICATIONS) {
      throw new AppError(
        "bad_request",
        `This scope selects ${selected.applicationIds.length} applications running ${release.version}; one rollback changes at most ${MAX_PLANNED_APPLICATIONS}: choose an environment, regions or clusters.`,
        { details: { scope: { ...scope, select: selected.select } } },
      );
    }
    rows = await db.application.findMany({ where: { id: { in: selected.applicationIds } }, include: applicationInclude });
    scope = { ...scope, select: selected.select };
    scopeChoices = describeScopeChoices(members, selected.defaulted);
    fromRelease = release;
    serviceId = release.serviceId;
  } else {
    const applicationId =
      scope.kind === "application"
        ? scope.applicationId
        : (await db.deployment.findUnique({ where: { id: scope.deploymentId }, select: { applicationId: true } }))?.applicationId;
    if (applicationId === undefined) throw new AppError("not_found", `Deployment ${scope.kind === "deployment" ? scope.deploymentId : ""} does not exist.`);
    const row = await db.application.findUnique({ where: { id: applicationId }, include: applicationInclude });
    if (!row || row.deletedAt) throw new AppError("not_found", `Application ${applicationId} does not exist.`);
    rows = [row];
    fromRelease = row.currentRelease;
    serviceId = row.serviceId;
  }
  const service = await db.service.findUniqueOrThrow({ where: { id: serviceId }, select: { id: true, name: true, teamId: true } });
  const applications: ApplicationFact[] = rows.map((row) => ({
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    argoInstance: row.argoInstance.name,
    project: row.project,
    cluster: row.cluster,
    environment: row.environment,
    currentRelease: row.currentRelease,
    autoSync: row.autoSync,
    health: row.healthStatus,
    lastOperationPhase: row.lastOperationPhase,
    repoUrl: row.repoUrl,
    path: row.path,
    targetRevision: row.targetRevision,
    lastDeploymentId: row.lastDeploymentId,
  }));
  const ids = applications.map((app) => app.id);
  const history =
    fromRelease && ids.length > 0
      ? (
          await db.$queryRaw<{ application_id: number; release_id: number; last_deployed_at: Date; healthy: boolean; argo_history_id: number | null }[]>`
            SELECT d.application_id, d.release_id, max(d.started_at) AS last_deployed_at,
                   bool_or(d.healthy_at IS NOT NULL) AS healthy,
                   (array_agg(d.argo_history_id ORDER BY d.started_at DESC) FILTER (WHERE d.argo_history_id IS NOT NULL))[1] AS argo_history_id
            FROM deployments d JOIN releases r ON r.id = d.release_id
            WHERE d.application_id = ANY(${ids}) AND d.phase = 'SUCCEEDED' AND r.first_seen_at < ${fromRelease.firstSeenAt}
            GROUP BY d.application_id, d.release_id`
        ).map(
          (row): HistoryFact => ({
            applicationId: row.application_id,
            releaseId: row.release_id,
            lastDeployedAt: row.last_deployed_at,
            healthy: row.healthy,
            argoHistoryId: row.argo_history_id === null ? null : Number(row.argo_history_id),
          }),
        )
      : [];
  const releases = await db.release.findMany({ where: { id: { in: [...new Set(history.map((entry) => entry.releaseId))] } }, select: releaseSelect });
  const activeRollbacks = await db.rollback.findMany({
    where: { applicationId: { in: ids }, state: { in: [...ACTIVE_ROLLBACK_STATES] } },
    select: { id: true, applicationId: true, state: true },
  });
  return { scope, scopeChoices, service, fromRelease, applications, history, releases, activeRollbacks };
}

/** The applications running the release, a few columns each: what a scope selects among. */
async function readScopeMembers(db: DbOrTx, release: { id: number; version: string }): Promise<ScopeMember[]> {
  const rows = await db.application.findMany({
    where: { currentReleaseId: release.id, deletedAt: null },
    select: {
      id: true,
      healthStatus: true,
      lastOperationPhase: true,
      cluster: { select: { name: true, region: true } },
      environment: { select: { name: true, rank: true, isProduction: true } },
    },
    orderBy: { id: "asc" },
    take: MAX_RELEASE_APPLICATIONS + 1,
  });
  if (rows.length > MAX_RELEASE_APPLICATIONS) {
    throw new AppError("bad_request", `${release.version} runs on more than ${MAX_RELEASE_APPLICATIONS} applications: roll back one application or deployment at a time.`);
  }
  return rows.map((row) => ({ id: row.id, cluster: row.cluster, environment: row.environment, health: row.healthStatus, lastOperationPhase: row.lastOperationPhase }));
}

async function dryRunPlan(plan: RollbackPlan, facts: PlanFacts, deps: RollbackDependencies): Promise<void> {
  const target = facts.releases.find((release) => release.id === plan.target!.id)!;
  // A few at a time: a release on hundreds of applications must not open hundreds of calls at once.
  const queue = [...plan.applications];
  const worker = async () => {
    for (let app = queue.shift(); app; app = queue.shift()) {
      if (app.blockers.length > 0 || app.method === null) continue;
      if (app.method === "ARGOCD") {
        const client = deps.argocd(app.argoInstance)!;
        try {
          await client.rollback(app.name, { id: app.argoHistoryId!, dryRun: true, appNamespace: app.namespace, project: app.project });
          app.dryRun = { status: "passed", message: `Argo CD accepted a dry run of history entry ${app.argoHistoryId} (${target.version}).` };
        } catch (error) {
          // Not named: the same refusal on many applications is one blocker (group-rollback-plan.ts).
          app.dryRun = { status: "failed", message: explainArgoCdError(error, "the application") };
        }
      } else {
        try {
          const change = await prepareGitopsChange(deps, app.gitops!, target.image ?? "", target.imageTag ?? target.version);
          app.dryRun = {
            status: "passed",
            message: `Would set ${target.image} from ${change.previousTag ?? "(none)"} to ${change.tag} in ${change.repository}/${change.filePath} on ${change.baseBranch}.`,
          };
        } catch (error) {
          app.dryRun = { status: "failed", message: explainGitopsError(error, app.gitops!) };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  // A refused dry run would fail the rollback too: say so before anyone clicks.
  for (const app of plan.applications) {
    if (app.dryRun.status === "failed" && app.dryRun.message) app.blockers.push(app.dryRun.message);
  }
  const planWide = plan.blockerGroups.filter((group) => group.applicationIds.length === 0).map((group) => group.reason);
  plan.blockerGroups = groupBlockers(planWide, plan.applications);
  plan.blockers = describeBlockers(plan.blockerGroups, plan.applications);
  plan.groups = groupPlannedApplications(plan.applications);
  plan.executable = plan.executable && plan.blockerGroups.length === 0;
}
