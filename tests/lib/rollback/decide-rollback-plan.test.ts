import { describe, expect, it } from "vitest";
import { type ApplicationFact, type PlanChoices, type PlanFacts, type ReleaseFact, assignWaves, decideRollbackPlan } from "@/lib/rollback/decide-rollback-plan";

const day = (n: number) => new Date(Date.UTC(2026, 10, n));
const release = (id: number, version: string, firstSeenAt: Date): ReleaseFact => ({ id, version, firstSeenAt, commitSha: `${id}`.repeat(7), image: "ghcr.io/acme/payments", imageTag: version });
const r1 = release(1, "1.0.0", day(1));
const r2 = release(2, "1.1.0", day(2));
const r3 = release(3, "1.2.0", day(3));
const r4 = release(4, "1.3.0", day(4));

const app = (id: number, overrides: Partial<ApplicationFact> = {}): ApplicationFact => ({
  id,
  name: `payments-${id}`,
  namespace: "argocd",
  argoInstance: "prod",
  project: "default",
  cluster: { id, name: `cluster-${id}`, region: "eu-west-1" },
  environment: { name: "prod", rank: 30, isProduction: true },
  currentRelease: r4,
  autoSync: false,
  health: "DEGRADED",
  lastOperationPhase: "SUCCEEDED",
  repoUrl: "https://github.com/acme/deploy.git",
  path: `apps/payments/${id}`,
  targetRevision: "main",
  lastDeploymentId: null,
  ...overrides,
});

const facts = (overrides: Partial<PlanFacts> = {}): PlanFacts => ({
  scope: { kind: "application", applicationId: 1 },
  scopeChoices: null,
  service: { id: 7, name: "payments", teamId: 3 },
  fromRelease: r4,
  applications: [app(1)],
  history: [
    { applicationId: 1, releaseId: 1, lastDeployedAt: day(1), healthy: true, argoHistoryId: 10 },
    { applicationId: 1, releaseId: 2, lastDeployedAt: day(2), healthy: true, argoHistoryId: 11 },
    { applicationId: 1, releaseId: 3, lastDeployedAt: day(3), healthy: false, argoHistoryId: 12 },
  ],
  releases: [r1, r2, r3],
  activeRollbacks: [],
  ...overrides,
});

const choices = (overrides: Partial<PlanChoices> = {}): PlanChoices => ({ approval: "none", githubConfigured: true, argoInstances: ["prod"], ...overrides });

describe("decideRollbackPlan: the target", () => {
  it("defaults to the newest earlier release that was healthy there, and lists every earlier one newest first", () => {
    const plan = decideRollbackPlan(facts(), choices());
    expect(plan.target?.version).toBe("1.1.0");
    expect(plan.candidates.map((candidate) => [candidate.version, candidate.healthyOn, candidate.isDefault])).toEqual([
      ["1.2.0", 0, false],
      ["1.1.0", 1, true],
      ["1.0.0", 1, false],
    ]);
    expect(plan.applications[0]).toMatchObject({ method: "ARGOCD", argoHistoryId: 11, blockers: [] });
    expect(plan.executable).toBe(true);
  });

  it("takes any earlier release the user picks, with that release's history id", () => {
    const plan = decideRollbackPlan(facts(), choices({ targetReleaseId: 1 }));
    expect(plan.target?.version).toBe("1.0.0");
    expect(plan.applications[0]!.argoHistoryId).toBe(10);
  });

  it("refuses a release that is not earlier (or never ran there)", () => {
    const plan = decideRollbackPlan(facts(), choices({ targetReleaseId: 4 }));
    expect(plan.executable).toBe(false);
    expect(plan.blockers.join(" ")).toMatch(/Release #4 is not an earlier release of payments/);
  });

  it("says so when there is nothing earlier", () => {
    const plan = decideRollbackPlan(facts({ history: [], releases: [] }), choices());
    expect(plan.target).toBeNull();
    expect(plan.executable).toBe(false);
    expect(plan.blockers.join(" ")).toMatch(/No earlier release of payments ran on payments-1/);
  });
});

describe("decideRollbackPlan: the method", () => {
  it("auto-sync on: Argo CD's rollback is unavailable and the plan says why; GitOps is chosen", () => {
    const plan = decideRollbackPlan(facts({ applications: [app(1, { autoSync: true })] }), choices());
    const [planned] = plan.applications;
    expect(planned!.methods[0]).toEqual({ method: "ARGOCD", available: false, reason: "Argo CD refuses a rollback while auto-sync is on: turn auto-sync off, or roll back with a GitOps pull request" });
    expect(planned!.method).toBe("GITOPS");
    expect(planned!.gitops).toEqual({ forge: "github", repository: "acme/deploy", path: "apps/payments/1", baseBranch: "main" });
    expect(plan.autoSyncApplications).toEqual(["payments-1"]);
    expect(plan.executable).toBe(true);
  });

  it("auto-sync on and Argo CD asked for: blocked before anything happens", () => {
    const plan = decideRollbackPlan(facts({ applications: [app(1, { autoSync: true })] }), choices({ method: "ARGOCD" }));
    expect(plan.executable).toBe(false);
    expect(plan.blockers).toEqual(["Argo CD refuses a rollback while auto-sync is on: turn auto-sync off, or roll back with a GitOps pull request (payments-1)."]);
  });

  it("no Argo CD history id for the target: GitOps; no GitHub either: blocked with both reasons", () => {
    const history = facts().history.map((entry) => ({ ...entry, argoHistoryId: null }));
    expect(decideRollbackPlan(facts({ history }), choices()).applications[0]!.method).toBe("GITOPS");
    const plan = decideRollbackPlan(facts({ history }), choices({ githubConfigured: false }));
    expect(plan.executable).toBe(false);
    expect(plan.blockers[0]).toMatch(/has no entry for 1\.1\.0.*GitHub access/);
  });

  it("an Argo CD instance Shiplog cannot call, and a source that is not on GitHub", () => {
    const plan = decideRollbackPlan(facts({ applications: [app(1, { repoUrl: "https://charts.example.com", path: null })] }), choices({ argoInstances: [] }));
    expect(plan.applications[0]!.methods.map((option) => option.reason)).toEqual([
      expect.stringMatching(/no API access to Argo CD instance prod/),
      "its source (https://charts.example.com) is not a folder of a GitHub or GitLab repository",
    ]);
  });

  it("a config repository on the GitLab instance is GitLab's, and needs GITLAB_TOKEN rather than GitHub access", () => {
    const onGitlab = facts({ applications: [app(1, { autoSync: true, repoUrl: "https://gitlab.example.com/platform/deploy/fleet.git" })] });
    const withToken = decideRollbackPlan(onGitlab, choices({ githubConfigured: false, gitlabHost: "gitlab.example.com", gitlabConfigured: true }));
    expect(withToken.applications[0]).toMatchObject({
      method: "GITOPS",
      gitops: { forge: "gitlab", repository: "gitlab.example.com/platform/deploy/fleet", path: "apps/payments/1", baseBranch: "main" },
    });
    const without = decideRollbackPlan(onGitlab, choices({ gitlabHost: "gitlab.example.com", gitlabConfigured: false }));
    expect(without.applications[0]!.methods[1]).toEqual({ method: "GITOPS", available: false, reason: "GitOps merge requests on GitLab need GitLab access (GITLAB_TOKEN)" });
    // Another host stays GitHub's, as before.
    const elsewhere = decideRollbackPlan(onGitlab, choices({ gitlabHost: "gitlab.com", gitlabConfigured: true }));
    expect(elsewhere.applications[0]!.methods[1]!.available).toBe(false);
  });

  it("an active rollback of the application blocks another", () => {
    const plan = decideRollbackPlan(facts({ activeRollbacks: [{ id: 9, applicationId: 1, state: "WAITING_FOR_SYNC" }] }), choices());
    expect(plan.executable).toBe(false);
    expect(plan.blockers).toEqual(["Already being rolled back by another rollback, now waiting for sync (payments-1)."]);
    expect(plan.blockerGroups).toEqual([{ reason: "Already being rolled back by another rollback, now waiting for sync.", applicationIds: [1] }]);
  });
});

describe("decideRollbackPlan: approval and waves", () => {
  it("approval is required for production only when configured", () => {
    expect(decideRollbackPlan(facts(), choices({ approval: "production" })).approvalRequired).toBe(true);
    expect(decideRollbackPlan(facts(), choices({ approval: "none" })).approvalRequired).toBe(false);
    const staging = facts({ applications: [app(1, { environment: { name: "staging", rank: 20, isProduction: false } })] });
    expect(decideRollbackPlan(staging, choices({ approval: "production" })).approvalRequired).toBe(false);
  });

  it("a release on three clusters: one cluster first, then the rest; the default is healthy on all", () => {
    const apps = [app(1), app(2), app(3, { cluster: { id: 3, name: "a-staging", region: "eu-west-1" }, environment: { name: "staging", rank: 20, isProduction: false } })];
    const history = apps.flatMap((candidate) => [
      { applicationId: candidate.id, releaseId: 2, lastDeployedAt: day(2), healthy: candidate.id !== 2, argoHistoryId: 20 + candidate.id },
      { applicationId: candidate.id, releaseId: 1, lastDeployedAt: day(1), healthy: true, argoHistoryId: 10 + candidate.id },
    ]);
    const plan = decideRollbackPlan(facts({ scope: { kind: "release", releaseId: 4 }, applications: apps, history, releases: [r1, r2] }), choices());
    expect(plan.target?.version).toBe("1.0.0");
    expect(plan.waves).toEqual([
      { wave: 0, clusters: ["a-staging"], applicationIds: [3] },
      { wave: 1, clusters: ["cluster-1", "cluster-2"], applicationIds: [1, 2] },
    ]);
  });

  it("assignWaves: one cluster is a single wave", () => {
    expect([...assignWaves([app(1), app(2, { cluster: { id: 1, name: "cluster-1", region: "eu-west-1" } })]).values()]).toEqual([0, 0]);
  });
});

describe("decideRollbackPlan: a large plan reads grouped", () => {
  // The case: 42 applications (dev, staging, 40 prod clusters in two regions), auto-sync
  // on everywhere and no GitHub access, so every one is blocked for the same two reasons.
  const environments = [
    { name: "prod", rank: 30, isProduction: true },
    { name: "dev", rank: 10, isProduction: false },
    { name: "staging", rank: 20, isProduction: false },
  ];
  const apps = Array.from({ length: 42 }, (_, index) => {
    const id = index + 1;
    const environment = id === 1 ? environments[1]! : id === 2 ? environments[2]! : environments[0]!;
    return app(id, { autoSync: true, environment, cluster: { id, name: `cluster-${String(id).padStart(2, "0")}`, region: id % 2 === 0 ? "us-east-1" : "eu-west-1" } });
  });
  const history = apps.map((candidate) => ({ applicationId: candidate.id, releaseId: 3, lastDeployedAt: day(3), healthy: true, argoHistoryId: 30 }));
  const plan = decideRollbackPlan(facts({ scope: { kind: "release", releaseId: 4 }, applications: apps, history, releases: [r3] }), choices({ githubConfigured: false }));

  it("says each blocking reason once, with every application it affects", () => {
    expect(plan.executable).toBe(false);
    expect(plan.blockerGroups).toHaveLength(1);
    expect(plan.blockerGroups[0]!.reason).toBe(
      "No rollback method is possible: Argo CD refuses a rollback while auto-sync is on: turn auto-sync off, or roll back with a GitOps pull request; GitOps pull requests need GitHub access (GITHUB_TOKEN or a GitHub App).",
    );
    expect(plan.blockerGroups[0]!.applicationIds.sort((a, b) => a - b)).toEqual(apps.map((candidate) => candidate.id));
    expect(plan.blockers).toEqual([expect.stringMatching(/ \(42 applications: payments-1, payments-2, payments-3 and 39 more\)\.$/)]);
  });

  it("groups the applications per environment (by rank) and region, with counts that add up", () => {
    expect(plan.groups.map((group) => [group.environment, group.region, group.applications, group.clusters, group.blocked, group.methods.none])).toEqual([
      ["dev", "eu-west-1", 1, 1, 1, 1],
      ["staging", "us-east-1", 1, 1, 1, 1],
      ["prod", "eu-west-1", 20, 20, 20, 20],
      ["prod", "us-east-1", 20, 20, 20, 20],
    ]);
    expect(plan.groups.flatMap((group) => group.applicationIds).sort((a, b) => a - b)).toEqual(apps.map((candidate) => candidate.id));
    expect(plan.groups[0]!.waves).toEqual([0]);
    expect(plan.groups[2]!.waves).toEqual([1]);
  });

  it("the selection digest names the applications, whatever their order", () => {
    const reversed = decideRollbackPlan(facts({ scope: { kind: "release", releaseId: 4 }, applications: [...apps].reverse(), history, releases: [r3] }), choices({ githubConfigured: false }));
    expect(reversed.selectionDigest).toBe(plan.selectionDigest);
    const fewer = decideRollbackPlan(facts({ scope: { kind: "release", releaseId: 4 }, applications: apps.slice(1), history, releases: [r3] }), choices({ githubConfigured: false }));
    expect(fewer.selectionDigest).not.toBe(plan.selectionDigest);
  });
});
