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
  cluster: { id, name: `cluster-${id}` },
  environment: { name: "prod", isProduction: true },
  currentRelease: r4,
  autoSync: false,
  repoUrl: "https://github.com/acme/deploy.git",
  path: `apps/payments/${id}`,
  targetRevision: "main",
  lastDeploymentId: null,
  ...overrides,
});

const facts = (overrides: Partial<PlanFacts> = {}): PlanFacts => ({
  scope: { kind: "application", applicationId: 1 },
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
    expect(planned!.methods[0]).toEqual({ method: "ARGOCD", available: false, reason: expect.stringMatching(/Argo CD refuses a rollback while auto-sync is on for payments-1/) });
    expect(planned!.method).toBe("GITOPS");
    expect(planned!.gitops).toEqual({ repository: "acme/deploy", path: "apps/payments/1", baseBranch: "main" });
    expect(plan.autoSyncApplications).toEqual(["payments-1"]);
    expect(plan.executable).toBe(true);
  });

  it("auto-sync on and Argo CD asked for: blocked before anything happens", () => {
    const plan = decideRollbackPlan(facts({ applications: [app(1, { autoSync: true })] }), choices({ method: "ARGOCD" }));
    expect(plan.executable).toBe(false);
    expect(plan.blockers[0]).toMatch(/auto-sync is on for payments-1: turn auto-sync off, or roll back with a GitOps pull request/);
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
      expect.stringMatching(/is not a folder of a GitHub repository/),
    ]);
  });

  it("an active rollback of the application blocks another", () => {
    const plan = decideRollbackPlan(facts({ activeRollbacks: [{ id: 9, applicationId: 1, state: "WAITING_FOR_SYNC" }] }), choices());
    expect(plan.executable).toBe(false);
    expect(plan.blockers).toEqual(["payments-1 is already being rolled back (rollback #9, waiting for sync)."]);
  });
});

describe("decideRollbackPlan: approval and waves", () => {
  it("approval is required for production only when configured", () => {
    expect(decideRollbackPlan(facts(), choices({ approval: "production" })).approvalRequired).toBe(true);
    expect(decideRollbackPlan(facts(), choices({ approval: "none" })).approvalRequired).toBe(false);
    const staging = facts({ applications: [app(1, { environment: { name: "staging", isProduction: false } })] });
    expect(decideRollbackPlan(staging, choices({ approval: "production" })).approvalRequired).toBe(false);
  });

  it("a release on three clusters: one cluster first, then the rest; the default is healthy on all", () => {
    const apps = [app(1), app(2), app(3, { cluster: { id: 3, name: "a-staging" }, environment: { name: "staging", isProduction: false } })];
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
    expect([...assignWaves([app(1), app(2, { cluster: { id: 1, name: "cluster-1" } })]).values()]).toEqual([0, 0]);
  });
});
