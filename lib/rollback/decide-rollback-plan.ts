// The pure part of planning a rollback: from what the database knows about the applications
// (their current release, auto-sync, source, and the releases they ran before), decide the
// target, the method of each application, the waves, whether approval is needed, and what
// blocks it, in words an SRE can act on. No I/O: plan-rollback.ts gathers the facts.
// An application's blockers do not name it, so the same reason on 40 applications is said once
// with the 40 (group-rollback-plan.ts).
import { createHash } from "node:crypto";
import { describeBlockerGroup, groupBlockers, groupPlannedApplications } from "./group-rollback-plan";
import { configRepositoryOf } from "../gitops/parse-config-repository";
import type {
  MethodOption,
  PlannedApplication,
  ReleaseRef,
  RollbackCandidate,
  RollbackMethodName,
  RollbackPlan,
  RollbackScope,
  ScopeChoices,
} from "./rollback-plan";

export type ReleaseFact = { id: number; version: string; firstSeenAt: Date; commitSha: string | null; image: string | null; imageTag: string | null };

export type ApplicationFact = {
  id: number;
  name: string;
  namespace: string;
  argoInstance: string;
  project: string;
  cluster: { id: number; name: string; region: string | null };
  environment: { name: string; rank: number; isProduction: boolean };
  currentRelease: ReleaseFact | null;
  autoSync: boolean;
  health: string;
  lastOperationPhase: string | null;
  repoUrl: string | null;
  path: string | null;
  targetRevision: string | null;
  /** The deployment that put the current release there (what a rollback rolls back). */
  lastDeploymentId: number | null;
};

/** One earlier release an application ran: its newest successful sync of it. */
export type HistoryFact = { applicationId: number; releaseId: number; lastDeployedAt: Date; healthy: boolean; argoHistoryId: number | null };

export type PlanFacts = {
  /** For a release, with the selection resolved (select-scoped-applications.ts). */
  scope: RollbackScope;
  /** For a release: what else the scope could select. */
  scopeChoices: ScopeChoices | null;
  service: { id: number; name: string; teamId: number | null };
  fromRelease: ReleaseFact | null;
  applications: ApplicationFact[];
  history: HistoryFact[];
  /** Every release `history` names. */
  releases: ReleaseFact[];
  activeRollbacks: { id: number; applicationId: number; state: RollbackPlan["activeRollbacks"][number]["state"] }[];
};

export type PlanChoices = {
  targetReleaseId?: number;
  method?: RollbackMethodName;
  approval: "production" | "none";
  /** A GitHub credential is configured (GitOps pull requests possible). */
  githubConfigured: boolean;
  /** The GitLab instance's host (GITLAB_URL): config repositories there get merge requests. */
  gitlabHost?: string | null;
  /** GITLAB_TOKEN is set (GitOps merge requests possible). */
  gitlabConfigured?: boolean;
  /** Names of the Argo CD instances Shiplog has API access to (ARGOCD_INSTANCES). */
  argoInstances: string[];
};

export const MAX_CANDIDATES = 20;

const refOf = (release: ReleaseFact): ReleaseRef => ({
  id: release.id,
  version: release.version,
  firstSeenAt: release.firstSeenAt.toISOString(),
  commitSha: release.commitSha,
});

export function decideRollbackPlan(facts: PlanFacts, choices: PlanChoices): Omit<RollbackPlan, never> {
  const blockers: string[] = [];
  const applications = [...facts.applications].sort((a, b) => a.cluster.name.localeCompare(b.cluster.name) || a.name.localeCompare(b.name));
  const these = applications.length === 1 ? applications[0]!.name : `these ${applications.length} applications`;
  if (applications.length === 0) blockers.push("No application runs this release now: there is nothing to roll back.");
  if (!facts.fromRelease) blockers.push(`Shiplog does not know which release ${applications.length === 0 ? "the application" : these} runs, so it cannot tell what is earlier.`);

  const candidates = listCandidates(facts, applications.length);
  const target =
    choices.targetReleaseId === undefined
      ? (candidates.find((candidate) => candidate.isDefault) ?? null)
      : (candidates.find((candidate) => candidate.id === choices.targetReleaseId) ?? null);
  if (choices.targetReleaseId !== undefined && !target) {
    blockers.push(`Release #${choices.targetReleaseId} is not an earlier release of ${facts.service.name} that ran on these applications.`);
  } else if (!target && facts.fromRelease && applications.length > 0) {
    blockers.push(`No earlier release of ${facts.service.name} ran on ${these}: there is nothing to roll back to.`);
  }
  const targetFact = target ? facts.releases.find((release) => release.id === target.id)! : null;

  const waveOf = assignWaves(applications);
  const planned: PlannedApplication[] = applications.map((app) => {
    const history = targetFact ? newestHistory(facts.history, app.id, targetFact.id) : undefined;
    const historyId = history?.argoHistoryId ?? null;
    const gitops = gitopsTargetOf(app, choices.gitlabHost);
    const methods: MethodOption[] = [
      argoMethod(app, targetFact, historyId, choices),
      gitopsMethod(app, targetFact, gitops, choices),
    ];
    const appBlockers: string[] = [];
    let method: RollbackMethodName | null = null;
    if (choices.method) {
      const option = methods.find((candidate) => candidate.method === choices.method)!;
      if (option.available) method = option.method;
      else appBlockers.push(option.reason!);
    } else {
      method = methods.find((option) => option.available)?.method ?? null;
      if (!method && targetFact) appBlockers.push(`No rollback method is possible: ${methods.map((option) => option.reason).join("; ")}.`);
    }
    if (targetFact && app.currentRelease?.id === targetFact.id) appBlockers.push(`Already runs ${targetFact.version}: there is nothing to roll back.`);
    const active = facts.activeRollbacks.find((rollback) => rollback.applicationId === app.id);
    if (active) appBlockers.push(`Already being rolled back by another rollback, now ${active.state.toLowerCase().replaceAll("_", " ")}.`);
    return {
      applicationId: app.id,
      name: app.name,
      namespace: app.namespace,
      argoInstance: app.argoInstance,
      project: app.project,
      cluster: app.cluster,
      environment: app.environment,
      currentRelease: app.currentRelease ? refOf(app.currentRelease) : null,
      autoSync: app.autoSync,
      health: app.health,
      method,
      methods,
      argoHistoryId: historyId,
      gitops: method === "GITOPS" || (gitops && methods[1]!.available) ? gitops : null,
      wave: waveOf.get(app.id)!,
      blockers: appBlockers,
      dryRun: { status: method === null ? "unavailable" : "not-run", message: null },
    };
  });
  const blockerGroups = groupBlockers(blockers, planned);

  const waves = [...new Set(planned.map((app) => app.wave))].sort().map((wave) => {
    const members = planned.filter((app) => app.wave === wave);
    return { wave, clusters: [...new Set(members.map((app) => app.cluster.name))], applicationIds: members.map((app) => app.applicationId) };
  });
  const methodsUsed = new Set(planned.map((app) => app.method));
  const production = planned.some((app) => app.environment.isProduction);
  return {
    scope: facts.scope,
    scopeChoices: facts.scopeChoices,
    service: facts.service,
    fromRelease: facts.fromRelease ? refOf(facts.fromRelease) : null,
    target: target ? { id: target.id, version: target.version, firstSeenAt: target.firstSeenAt, commitSha: target.commitSha } : null,
    candidates,
    applications: planned,
    groups: groupPlannedApplications(planned),
    waves,
    production,
    approvalRequired: choices.approval === "production" && production,
    autoSyncApplications: planned.filter((app) => app.autoSync).map((app) => app.name),
    method: methodsUsed.size === 1 ? ([...methodsUsed][0] ?? null) : null,
    executable: blockerGroups.length === 0 && target !== null,
    blockers: describeBlockers(blockerGroups, planned),
    blockerGroups,
    selectionDigest: selectionDigestOf(planned.map((app) => app.applicationId)),
    activeRollbacks: facts.activeRollbacks,
  };
}

export function describeBlockers(groups: RollbackPlan["blockerGroups"], planned: Pick<PlannedApplication, "applicationId" | "name">[]): string[] {
  const names = new Map(planned.map((app) => [app.applicationId, app.name]));
  return groups.map((group) => describeBlockerGroup(group, (id) => names.get(id) ?? `application ${id}`));
}

/** Short and order-free: the same applications always give the same digest. */
export function selectionDigestOf(applicationIds: number[]): string {
  const sorted = [...new Set(applicationIds)].sort((a, b) => a - b);
  return `sel_${createHash("sha256").update(sorted.join(",")).digest("hex").slice(0, 24)}`;
}

/** Earlier releases these applications ran successfully, newest first; the default is the newest healthy on all (else on any). */
function listCandidates(facts: PlanFacts, applicationCount: number): RollbackCandidate[] {
  const from = facts.fromRelease;
  if (!from) return [];
  const byRelease = new Map<number, { healthy: Set<number>; deployed: Set<number>; last: Date }>();
  for (const entry of facts.history) {
    const entryRelease = facts.releases.find((release) => release.id === entry.releaseId);
    if (!entryRelease || entryRelease.id === from.id || entryRelease.firstSeenAt >= from.firstSeenAt) continue;
    const stats = byRelease.get(entry.releaseId) ?? { healthy: new Set(), deployed: new Set(), last: entry.lastDeployedAt };
    stats.deployed.add(entry.applicationId);
    if (entry.healthy) stats.healthy.add(entry.applicationId);
    if (entry.lastDeployedAt > stats.last) stats.last = entry.lastDeployedAt;
    byRelease.set(entry.releaseId, stats);
  }
  const ordered = facts.releases
    .filter((release) => byRelease.has(release.id))
    .sort((a, b) => b.firstSeenAt.getTime() - a.firstSeenAt.getTime() || b.id - a.id)
    .slice(0, MAX_CANDIDATES);
  const healthyOnAll = ordered.find((release) => byRelease.get(release.id)!.healthy.size >= applicationCount);
  const healthyOnAny = ordered.find((release) => byRelease.get(release.id)!.healthy.size > 0);
  const defaultId = (healthyOnAll ?? healthyOnAny)?.id;
  return ordered.map((release) => {
    const stats = byRelease.get(release.id)!;
    return {
      ...refOf(release),
      healthyOn: stats.healthy.size,
      deployedOn: stats.deployed.size,
      lastDeployedAt: stats.last.toISOString(),
      isDefault: release.id === defaultId,
    };
  });
}

function newestHistory(history: HistoryFact[], applicationId: number, releaseId: number): HistoryFact | undefined {
  return history
    .filter((entry) => entry.applicationId === applicationId && entry.releaseId === releaseId)
    .sort((a, b) => b.lastDeployedAt.getTime() - a.lastDeployedAt.getTime())[0];
}

function argoMethod(app: ApplicationFact, target: ReleaseFact | null, historyId: number | null, choices: PlanChoices): MethodOption {
  const unavailable = (reason: string): MethodOption => ({ method: "ARGOCD", available: false, reason });
  if (!choices.argoInstances.includes(app.argoInstance)) {
    return unavailable(`Shiplog has no API access to Argo CD instance ${app.argoInstance} (add it to ARGOCD_INSTANCES)`);
  }
  if (app.autoSync) {
    return unavailable("Argo CD refuses a rollback while auto-sync is on: turn auto-sync off, or roll back with a GitOps pull request");
  }
  if (target && historyId === null) {
    return unavailable(`Argo CD's history of the application has no entry for ${target.version}`);
  }
  return { method: "ARGOCD", available: true, reason: null };
}

function gitopsMethod(app: ApplicationFact, target: ReleaseFact | null, gitops: PlannedApplication["gitops"], choices: PlanChoices): MethodOption {
  const unavailable = (reason: string): MethodOption => ({ method: "GITOPS", available: false, reason });
  const repository = configRepositoryOf(app.repoUrl, choices.gitlabHost);
  if (repository?.forge === "gitlab") {
    if (!choices.gitlabConfigured) return unavailable("GitOps merge requests on GitLab need GitLab access (GITLAB_TOKEN)");
  } else if (!choices.githubConfigured) return unavailable("GitOps pull requests need GitHub access (GITHUB_TOKEN or a GitHub App)");
  if (!gitops) {
    // The repository, not the folder: applications of one config repository share the reason.
    return unavailable(
      repository
        ? `its source has no folder (path) in ${repository.repository}, so it is not a folder of a GitHub or GitLab repository`
        : `its source (${app.repoUrl ?? "no repository"}) is not a folder of a GitHub or GitLab repository`,
    );
  }
  if (target && !target.imageTag) return unavailable(`${target.version} has no image tag to set back`);
  return { method: "GITOPS", available: true, reason: null };
}

export function gitopsTargetOf(app: Pick<ApplicationFact, "repoUrl" | "path" | "targetRevision">, gitlabHost: string | null | undefined): PlannedApplication["gitops"] {
  const repository = configRepositoryOf(app.repoUrl, gitlabHost);
  if (!repository || !app.path) return null;
  const revision = app.targetRevision?.trim();
  // HEAD and commit SHAs are not branches a pull request can target: use the default branch.
  const baseBranch = !revision || revision === "HEAD" || /^[0-9a-f]{40}$/.test(revision) ? null : revision.replace(/^refs\/heads\//, "");
  return { forge: repository.forge, repository: repository.repository, path: app.path.replace(/^\.?\/+|\/+$/g, ""), baseBranch };
}

/** One cluster first (non-production before production, then by name), then every other cluster. */
export function assignWaves(applications: Pick<ApplicationFact, "id" | "cluster" | "environment">[]): Map<number, number> {
  const clusters = [...new Map(applications.map((app) => [app.cluster.id, app])).values()].sort(
    (a, b) => Number(a.environment.isProduction) - Number(b.environment.isProduction) || a.cluster.name.localeCompare(b.cluster.name),
  );
  const first = clusters[0]?.cluster.id;
  return new Map(applications.map((app) => [app.id, app.cluster.id === first ? 0 : 1]));
}
