// Plans a promotion before anything happens: the release, the target environment, the service's
// applications there that the scope selects (select-promotion-applications.ts), the method per
// application (choose-promotion-method.ts), the waves (plan-promotion-waves.ts), approval, and
// what blocks it; with `dryRun`, the GitOps edit computed from the file on GitHub, or Argo CD's
// answer to a dry-run sync. Changes nothing.
import { createHash } from "node:crypto";
import type { DbOrTx } from "../db/client";
import { configFilesOf, prepareGitopsChange } from "../gitops/prepare-gitops-change";
import { AppError } from "../http/app-error";
import { explainArgoCdError, explainGitopsError } from "../rollback/explain-rollback-error";
import { compareRegions } from "../rollback/select-scoped-applications";
import { choosePromotionMethod } from "./choose-promotion-method";
import { planPromotionWaves } from "./plan-promotion-waves";
import type { PromotionDependencies } from "./promotion-dependencies";
import { type PlanPromotionInput, type PromotionPlan, planPromotionInputSchema, promotionPlanSchema } from "./promotion-plan";
import { ACTIVE_PROMOTION_STATES } from "./promotion-states";
import { selectPromotionApplications } from "./select-promotion-applications";

/** One promotion changes at most this many applications. */
export const MAX_PROMOTED_APPLICATIONS = 1_000;

export async function planPromotion(db: DbOrTx, rawInput: PlanPromotionInput, deps: PromotionDependencies): Promise<PromotionPlan> {
  const input = planPromotionInputSchema.parse(rawInput);
  const release = await db.release.findUnique({
    where: { id: input.releaseId },
    select: { id: true, version: true, image: true, imageTag: true, service: { select: { id: true, name: true, teamId: true } } },
  });
  if (!release) throw new AppError("not_found", `Release ${input.releaseId} does not exist.`);
  const environment = await db.environment.findUnique({ where: { name: input.environment }, select: { id: true, name: true, isProduction: true } });
  if (!environment) {
    const known = await db.environment.findMany({ select: { name: true }, orderBy: [{ rank: "asc" }, { name: "asc" }] });
    throw new AppError("bad_request", `Environment "${input.environment}" does not exist; there are ${known.map((env) => env.name).join(", ") || "none"}.`);
  }
  const rows = await db.application.findMany({
    where: { serviceId: release.service.id, environmentId: environment.id, deletedAt: null },
    include: { argoInstance: { select: { name: true } }, cluster: { select: { name: true, region: true } }, currentRelease: { select: { id: true, version: true } } },
    orderBy: { id: "asc" },
  });
  const selected = selectPromotionApplications(
    rows.map((row) => ({ id: row.id, cluster: row.cluster, currentReleaseId: row.currentReleaseId })),
    input.select,
    { releaseId: release.id, release: release.version, environment: environment.name, service: release.service.name },
  );
  if (!selected.ok) throw new AppError("bad_request", selected.reason, { details: { select: input.select } });
  if (selected.applicationIds.length > MAX_PROMOTED_APPLICATIONS) {
    throw new AppError("bad_request", `This scope selects ${selected.applicationIds.length} applications; one promotion changes at most ${MAX_PROMOTED_APPLICATIONS}: choose regions or clusters.`);
  }
  const chosen = rows.filter((row) => selected.applicationIds.includes(row.id));
  const revisions = await releaseRevisions(db, release.id);
  const settings = {
    canaryClusters: input.waves.canaryClusters ?? deps.promotion.canaryClusters,
    waveSize: input.waves.waveSize ?? deps.promotion.waveSize,
    regionOrder: input.waves.regionOrder ?? deps.promotion.regionOrder,
  };
  const waves = planPromotionWaves(chosen.map((row) => ({ id: row.id, cluster: row.cluster })), settings);
  const waveOf = new Map(waves.flatMap((wave) => wave.applicationIds.map((id) => [id, wave.index] as const)));
  const applications = chosen.map((row) => {
    const choice = choosePromotionMethod({
      autoSync: row.autoSync,
      repoUrl: row.repoUrl,
      path: row.path,
      targetRevision: row.targetRevision,
      releaseRevision: revisions.get(`${row.repoUrl ?? ""}\n${row.path ?? ""}`) ?? null,
      argoConfigured: deps.argocd(row.argoInstance.name) !== null,
      githubConfigured: deps.github !== null,
      gitlabHost: deps.gitlab?.host ?? null,
      gitlabConfigured: Boolean(deps.gitlab?.api),
    });
    return {
      applicationId: row.id,
      name: row.name,
      namespace: row.namespace,
      argoInstance: row.argoInstance.name,
      cluster: row.cluster,
      currentRelease: row.currentRelease,
      autoSync: row.autoSync,
      health: row.healthStatus,
      method: choice.method,
      gitops: choice.gitops,
      argoRevision: choice.argoRevision,
      wave: waveOf.get(row.id)!,
      blockers: [...choice.blockers],
      dryRun: { status: "not-run" as const, message: null as string | null },
    };
  });
  const active = await db.promotion.findFirst({
    where: { serviceId: release.service.id, environmentId: environment.id, state: { in: [...ACTIVE_PROMOTION_STATES] } },
    select: { id: true, state: true },
  });
  const plan: PromotionPlan = {
    service: release.service,
    release: { id: release.id, version: release.version, image: release.image, imageTag: release.imageTag },
    environment,
    select: input.select,
    choices: describeChoices(rows),
    applications,
    alreadyRunning: selected.alreadyRunning.length,
    waves,
    settings: {
      ...settings,
      soakMinutes: input.waves.soakMinutes ?? deps.promotion.soakMs / 60_000,
      timeoutMinutes: deps.promotion.waveTimeoutMs / 60_000,
      autoRollback: deps.promotion.autoRollback,
    },
    approvalRequired: deps.promotion.approval === "production" && environment.isProduction,
    executable: false,
    blockers: [],
    selectionDigest: createHash("sha256").update(selected.applicationIds.join(",")).digest("hex").slice(0, 32),
    activePromotionId: active?.id ?? null,
  };
  if (input.dryRun) await dryRunPlan(plan, deps);
  plan.blockers = describeBlockers(plan);
  plan.executable = plan.blockers.length === 0;
  return promotionPlanSchema.parse(plan);
}

/** Config revisions the release ran with, Synced, per source (repository and path). */
async function releaseRevisions(db: DbOrTx, releaseId: number): Promise<Map<string, string>> {
  const rows = await db.deployment.findMany({
    where: { releaseId, phase: "SUCCEEDED", revision: { not: null } },
    select: { revision: true, application: { select: { repoUrl: true, path: true } } },
    orderBy: { startedAt: "desc" },
    take: 500,
  });
  const revisions = new Map<string, string>();
  for (const row of rows) {
    const key = `${row.application.repoUrl ?? ""}\n${row.application.path ?? ""}`;
    if (!revisions.has(key)) revisions.set(key, row.revision!);
  }
  return revisions;
}

function describeChoices(rows: { cluster: { name: string; region: string | null } }[]): PromotionPlan["choices"] {
  const regions = new Map<string | null, number>();
  const clusters = new Map<string, { region: string | null; applications: number }>();
  for (const row of rows) {
    regions.set(row.cluster.region, (regions.get(row.cluster.region) ?? 0) + 1);
    const entry = clusters.get(row.cluster.name) ?? { region: row.cluster.region, applications: 0 };
    entry.applications += 1;
    clusters.set(row.cluster.name, entry);
  }
  return {
    regions: [...regions].map(([region, applications]) => ({ region, applications })).sort((a, b) => compareRegions(a.region, b.region)),
    clusters: [...clusters].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Each reason once, naming up to three applications and counting the rest. */
function describeBlockers(plan: PromotionPlan): string[] {
  const byReason = new Map<string, string[]>();
  for (const app of plan.applications) for (const reason of app.blockers) byReason.set(reason, [...(byReason.get(reason) ?? []), app.name]);
  const lines = [...byReason].map(([reason, names]) => `${reason.replace(/\.$/, "")} (${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}).`);
  if (plan.activePromotionId !== null) lines.unshift(`Promotion #${plan.activePromotionId} of ${plan.service.name} into ${plan.environment.name} is still active: abort it or wait for it to finish.`);
  return lines;
}

async function dryRunPlan(plan: PromotionPlan, deps: PromotionDependencies): Promise<void> {
  const image = plan.release.image ?? plan.service.name;
  const tag = plan.release.imageTag ?? plan.release.version;
  const queue = plan.applications.filter((app) => app.method !== null);
  // A few at a time: hundreds of applications must not open hundreds of calls at once.
  const worker = async () => {
    for (let app = queue.shift(); app; app = queue.shift()) {
      if (app.method === "ARGOCD") {
        try {
          await deps.argocd(app.argoInstance)!.sync(app.name, { revision: app.argoRevision!, dryRun: true, appNamespace: app.namespace });
          app.dryRun = { status: "passed", message: `Argo CD accepted a dry-run sync to ${app.argoRevision}.` };
        } catch (error) {
          app.dryRun = { status: "failed", message: explainArgoCdError(error, "the application") };
        }
      } else {
        try {
          const change = await prepareGitopsChange(deps, app.gitops!, image, tag, configFilesOf({ application: app.name }));
          app.dryRun = { status: "passed", message: `Would set ${image} from ${change.previousTag ?? "(none)"} to ${tag} in ${change.repository}/${change.filePath} on ${change.baseBranch}.` };
        } catch (error) {
          app.dryRun = { status: "failed", message: explainGitopsError(error, app.gitops!) };
        }
      }
      if (app.dryRun.status === "failed") app.blockers.push(app.dryRun.message!);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}
