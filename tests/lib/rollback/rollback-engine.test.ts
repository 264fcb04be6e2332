// The rollback engine against a real PostgreSQL, a fake Argo CD and a fake GitHub: plan, request
// guardrails (idempotency, one active rollback per application under 20 concurrent requests,
// approval by a second person), execution (Argo CD dry run then rollback; GitOps pull request),
// waves stopping at the first failure, tracking from Argo CD state, time limits, audit rows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { ArgoCdClient } from "@/lib/argocd/argocd-client";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { createGithubClient } from "@/lib/github/github-client";
import { advanceRollbacks } from "@/lib/rollback/advance-rollbacks";
import { approveRollback } from "@/lib/rollback/approve-rollback";
import { executeRollback } from "@/lib/rollback/execute-rollback";
import { planRollback } from "@/lib/rollback/plan-rollback";
import { getRollback } from "@/lib/rollback/get-rollback";
import { requestRollback } from "@/lib/rollback/request-rollback";
import { runDueRollbacks } from "@/lib/rollback/run-due-rollbacks";
import type { RollbackDependencies } from "@/lib/rollback/rollback-dependencies";
import type { ReleaseSelection } from "@/lib/rollback/rollback-plan";
import { type FakeArgoCd, startFakeArgoCd } from "../../support/fake-argocd";
import { type FakeGithub, fakeRepository, startFakeGithub } from "../../support/fake-github";
import { type FakeGitlab, fakeGitlabProject, startFakeGitlab } from "../../support/fake-gitlab";
import { createGitlabApi } from "@/lib/gitlab/gitlab-client";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
// The directory caches ids; every test starts from an empty fleet.
let directory = new FleetDirectory();
const t0 = new Date("2026-11-01T08:00:00.000Z");
const clock = new Date("2026-11-01T10:00:00.000Z");
const v1 = [image("payments", "1.0.0")];
const v2 = [image("payments", "2.0.0")];
let argo: FakeArgoCd;
let github: FakeGithub;
let gitlab: FakeGitlab;

beforeAll(async () => {
  argo = await startFakeArgoCd();
  github = await startFakeGithub();
  gitlab = await startFakeGitlab();
});
afterAll(async () => {
  await argo.close();
  await github.close();
  await gitlab.close();
});
beforeEach(async () => {
  await resetFleet(db);
  directory = new FleetDirectory();
  argo.applications.clear();
  argo.rollbacks.length = 0;
  argo.failWith = undefined;
  github.repositories.clear();
  github.mergeRefusal = undefined;
  github.delayMs = 0;
  gitlab.projects.clear();
  gitlab.requests.length = 0;
  gitlab.mergeChecksPending = 0;
});

function deps(overrides: Partial<RollbackDependencies> = {}, timeoutMs = 1_000): RollbackDependencies {
  return {
    settings: { approval: "none", autoMerge: false, timeoutMs: minutes(30) },
    argoInstances: ["argocd"],
    argocd: (name) => (name === "argocd" ? new ArgoCdClient({ name, url: argo.url, token: argo.token }, timeoutMs) : null),
    github: createGithubClient({ baseUrl: github.url, auth: { token: github.token }, timeoutMs, retries: 0, log: () => undefined }),
    rollbackUrl: (id) => `https://shiplog.example/rollbacks/${id}`,
    now: () => clock,
    ...overrides,
  };
}

async function record(snapshots: ApplicationSnapshot[]) {
  for (const snapshot of snapshots) {
    // What the Argo CD event handler does: record, then move waiting rollbacks on.
    await db.$transaction(async (tx) => {
      const recorded = await recordApplicationSnapshot(tx, directory, snapshot);
      await advanceRollbacks(tx, { applicationIds: [recorded.applicationId] });
    });
  }
}

const appOf = (name: string, cluster: string, environment = "prod", region?: string, repoUrl = "https://github.com/acme/deploy.git"): Partial<ApplicationSnapshot> => ({
  name,
  labels: { "shiplog.io/service": "payments", "shiplog.io/environment": environment, "shiplog.io/team": "core", ...(region ? { "shiplog.io/region": region } : {}) },
  destination: { name: cluster, namespace: "payments" },
  source: { repoUrl, path: `apps/payments/${cluster}`, targetRevision: "main" },
});

/** 1.0.0 healthy (history 11), then 2.0.0 degraded (history 12; healthy with `healthy`); auto-sync when `automated`. */
async function seed(name: string, cluster: string, options: { automated?: boolean; environment?: string; region?: string; healthy?: boolean; repoUrl?: string } = {}) {
  const app = appOf(name, cluster, options.environment, options.region, options.repoUrl);
  const initiatedBy = options.automated ? undefined : "dev@acme.dev";
  await record(rollout({ app, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11, initiatedBy }));
  await record(rollout({ app, startedAt: at(t0, minutes(60)), from: v1, to: v2, revision: "r2", historyId: 12, initiatedBy, health: [options.healthy ? "HEALTHY" : "DEGRADED"] }));
  argo.applications.set(name, {
    metadata: { name, namespace: "argo-cd" },
    spec: options.automated ? { syncPolicy: { automated: { prune: true } } } : {},
    status: { history: [{ id: 11 }, { id: 12 }] },
  });
  return db.application.findFirstOrThrow({ where: { name }, include: { currentRelease: true } });
}

/** The notifications Argo CD sends after the rollback: a sync back to 1.0.0, healthy or not. */
const rollbackSync = (name: string, cluster: string, options: { fails?: boolean; health?: ("HEALTHY" | "DEGRADED")[] } = {}) =>
  rollout({ app: appOf(name, cluster), startedAt: at(clock, 5_000), from: v2, to: v1, revision: "r1", historyId: 13, initiatedBy: "shiplog", ...options });

const release = (version: string) => db.release.findFirstOrThrow({ where: { version } });
const rollbacks = () => db.rollback.findMany({ orderBy: { id: "asc" }, include: { transitions: { orderBy: { id: "asc" } } } });
const auditMarker = async () => (await db.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
const auditSince = (marker: bigint) => db.auditEvent.findMany({ where: { id: { gt: marker } }, orderBy: { id: "asc" } });
const request = (applicationId: number, overrides: Record<string, unknown> = {}) => ({
  scope: { kind: "application" as const, applicationId },
  targetReleaseId: 0,
  reason: "2.0.0 is degraded",
  idempotencyKey: "dialog-key-0001",
  ...overrides,
});

describe("planRollback", () => {
  it("defaults to the last healthy release, picks Argo CD with its history id, and dry-runs it", async () => {
    const app = await seed("payments-prod", "eu-1");
    const plan = await planRollback(db, { scope: { kind: "application", applicationId: app.id }, dryRun: true }, deps());
    expect(plan.fromRelease?.version).toBe("2.0.0");
    expect(plan.target?.version).toBe("1.0.0");
    expect(plan.candidates.map((candidate) => candidate.version)).toEqual(["1.0.0"]);
    expect(plan.applications[0]).toMatchObject({ method: "ARGOCD", argoHistoryId: 11, autoSync: false, cluster: { name: "eu-1" }, dryRun: { status: "passed" } });
    expect(plan.production).toBe(true);
    expect(argo.rollbacks).toEqual([{ name: "payments-prod", id: 11, dryRun: true, prune: false, appNamespace: "argo-cd" }]);
  });

  it("auto-sync on: the plan says Argo CD would refuse and dry-runs the GitOps change instead", async () => {
    const app = await seed("payments-prod", "eu-1", { automated: true });
    github.repositories.set("acme/deploy", fakeRepository({ "apps/payments/eu-1/kustomization.yaml": `images:\n  - name: ${image("payments", "").slice(0, -1)}\n    newTag: 2.0.0\n` }));
    const plan = await planRollback(db, { scope: { kind: "application", applicationId: app.id }, dryRun: true }, deps());
    expect(plan.autoSyncApplications).toEqual(["payments-prod"]);
    expect(plan.applications[0]!.methods[0]!.reason).toMatch(/^Argo CD refuses a rollback while auto-sync is on/);
    expect(plan.applications[0]).toMatchObject({ method: "GITOPS", dryRun: { status: "passed", message: expect.stringMatching(/from 2\.0\.0 to 1\.0\.0 in acme\/deploy\/apps\/payments\/eu-1\/kustomization\.yaml on main/) } });
    expect(github.repositories.get("acme/deploy")!.commits).toEqual([]);
    expect(argo.rollbacks).toEqual([]);
  });

  it("a dry run Argo CD refuses makes the plan not executable, in Argo CD's words", async () => {
    const app = await seed("payments-prod", "eu-1");
    argo.applications.get("payments-prod")!.spec = { syncPolicy: { automated: {} } };
    const plan = await planRollback(db, { scope: { kind: "application", applicationId: app.id }, dryRun: true }, deps());
    expect(plan.applications[0]!.dryRun).toEqual({ status: "failed", message: "Argo CD refused: auto-sync is enabled on the application. Turn auto-sync off, or roll back with a GitOps pull request." });
    expect(plan.executable).toBe(false);
    expect(plan.blockerGroups).toEqual([{ reason: plan.applications[0]!.dryRun.message, applicationIds: [app.id] }]);
    expect(plan.blockers).toEqual(["Argo CD refused: auto-sync is enabled on the application. Turn auto-sync off, or roll back with a GitOps pull request (payments-prod)."]);
  });
});

describe("requestRollback guardrails", () => {
  it("a reason is required", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    await expect(requestRollback(db, request(app.id, { targetReleaseId: target.id, reason: "  " }), { actor: "sre@acme.dev" }, deps())).rejects.toThrow(/a reason is required/);
  });

  it("the same key twice (a double click or a retry) makes one rollback; rollback, transitions and audit in one go", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const marker = await auditMarker();
    const first = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev", requestId: "req-1" }, deps());
    const second = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev", requestId: "req-2" }, deps());
    expect(first).toMatchObject({ replayed: false, state: "APPROVED", approvalRequired: false });
    expect(second).toEqual({ ...first, replayed: true });
    const [only, ...others] = await rollbacks();
    expect(others).toEqual([]);
    expect(only).toMatchObject({ state: "APPROVED", method: "ARGOCD", argoHistoryId: 11, requestedBy: "sre@acme.dev", requestId: "req-1", fromReleaseId: app.currentReleaseId, fromDeploymentId: app.lastDeploymentId });
    expect(only!.transitions.map((transition) => [transition.fromState, transition.toState])).toEqual([[null, "REQUESTED"], ["REQUESTED", "APPROVED"]]);
    expect((await auditSince(marker)).map((event) => [event.action, event.actor, event.requestId, event.targetId, event.outcome])).toEqual([
      ["rollback.requested", "sre@acme.dev", "req-1", String(only!.id), "success"],
      ["rollback.approved", "sre@acme.dev", "req-1", String(only!.id), "success"],
    ]);
  });

  it("20 simultaneous requests for one application (different keys) → one rollback; the others are told which holds it; no orphan audit rows", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const marker = await auditMarker();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        requestRollback(db, request(app.id, { targetReleaseId: target.id, idempotencyKey: `dialog-key-${index}` }), { actor: `sre${index}@acme.dev` }, deps()),
      ),
    );
    const made = await rollbacks();
    expect(made).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    expect(refused).toHaveLength(19);
    for (const outcome of refused) {
      expect(outcome.reason).toMatchObject({ code: "conflict", status: 409, details: { rollbackId: made[0]!.id } });
      expect(outcome.reason.message).toBe(`payments-prod is already being rolled back (rollback #${made[0]!.id}, approved).`);
    }
    expect((await auditSince(marker)).map((event) => event.targetId)).toEqual([String(made[0]!.id), String(made[0]!.id)]);
  });

  it("20 simultaneous requests with the same key → one rollback, every answer names it", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const answers = await Promise.all(Array.from({ length: 20 }, () => requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps())));
    const made = await rollbacks();
    expect(made).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.rollbackIds.join()))).toEqual(new Set([String(made[0]!.id)]));
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
  });

  it("production with approval configured: waits; the requester cannot approve; another SRE can", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const settings = { approval: "production" as const, autoMerge: false, timeoutMs: minutes(30) };
    const requested = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "ann@acme.dev" }, deps({ settings }));
    expect(requested).toMatchObject({ state: "REQUESTED", approvalRequired: true });
    const id = requested.rollbackIds[0]!;
    expect(await executeRollback(db, id, { actor: "ann@acme.dev" }, deps())).toMatchObject({ executed: [] });
    const refusedMarker = await auditMarker();
    await expect(approveRollback(db, id, { actor: "ann@acme.dev", requestId: "req-a" })).rejects.toMatchObject({ code: "forbidden", message: "You requested this rollback, so someone else must approve it." });
    expect(await db.rollback.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "REQUESTED", approvedBy: null });
    expect((await auditSince(refusedMarker)).map((event) => [event.action, event.actor, event.outcome, event.requestId])).toEqual([["rollback.approved", "ann@acme.dev", "refused", "req-a"]]);
    const marker = await auditMarker();
    await approveRollback(db, id, { actor: "bob@acme.dev", requestId: "req-b" }, clock);
    expect(await db.rollback.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "APPROVED", approvedBy: "bob@acme.dev" });
    expect((await auditSince(marker)).map((event) => [event.action, event.actor, event.requestId])).toEqual([["rollback.approved", "bob@acme.dev", "req-b"]]);
    // A double click on approve does nothing more; a third person is told it is no longer waiting.
    expect(await approveRollback(db, id, { actor: "bob@acme.dev" })).toEqual({ groupId: requested.groupId, approvedIds: [] });
    await expect(approveRollback(db, id, { actor: "cy@acme.dev" })).rejects.toMatchObject({ code: "conflict" });
    expect(await db.rollbackTransition.count({ where: { rollbackId: id, toState: "APPROVED" } })).toBe(1);
  });
});

describe("executeRollback and tracking", () => {
  it("Argo CD: dry run, then the rollback with the history id; Argo CD's events take it to succeeded and the deployment is a rollback", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    const result = await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps());
    expect(result).toEqual({ wave: 0, executed: rollbackIds, failed: [], cancelled: [] });
    expect(argo.rollbacks.map((call) => [call.id, call.dryRun])).toEqual([[11, true], [11, false]]);
    expect(argo.requests.every((call) => call.authorization === `Bearer ${argo.token}`)).toBe(true);
    expect((await rollbacks())[0]!.state).toBe("WAITING_FOR_SYNC");

    const marker = await auditMarker();
    const [running, succeeded, settled] = rollbackSync("payments-prod", "eu-1");
    await record([running!, succeeded!]);
    expect((await rollbacks())[0]!.state).toBe("WAITING_FOR_SYNC");
    await record([settled!]);
    const [done] = await rollbacks();
    const deployment = await db.deployment.findFirstOrThrow({ where: { applicationId: app.id }, orderBy: { startedAt: "desc" } });
    expect(done).toMatchObject({ state: "SUCCEEDED", resultDeploymentId: deployment.id, finishedAt: expect.any(Date) });
    expect(deployment).toMatchObject({ isRollback: true, releaseId: target.id });
    expect(done!.transitions.map((transition) => transition.toState)).toEqual(["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC", "SUCCEEDED"]);
    expect((await auditSince(marker)).map((event) => [event.action, event.outcome])).toEqual([["rollback.finished", "success"]]);
  });

  it("Argo CD's own auto-sync refusal (turned on after planning) fails it in plain words, after the dry run only", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    argo.applications.get("payments-prod")!.spec = { syncPolicy: { automated: {} } };
    const marker = await auditMarker();
    expect(await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps())).toMatchObject({ failed: rollbackIds });
    const [failed] = await rollbacks();
    expect(failed!.state).toBe("FAILED");
    expect(failed!.error).toBe("Dry run refused, nothing was changed. Argo CD refused: auto-sync is enabled on payments-prod. Turn auto-sync off, or roll back with a GitOps pull request.");
    expect(failed!.error).not.toContain(argo.token);
    expect(argo.rollbacks).toEqual([]);
    expect((await auditSince(marker)).map((event) => [event.action, event.outcome])).toEqual([
      ["rollback.started", "success"],
      ["rollback.finished", "failure"],
    ]);
  });

  it("a hanging Argo CD: the call gives up at its time limit and the rollback fails saying so", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    argo.failWith = "hang";
    const started = Date.now();
    await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps({}, 300));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await rollbacks())[0]!.error).toMatch(/Argo CD could not be reached for payments-prod: no answer within 300 ms/);
  });

  it("the sync Argo CD runs fails → the rollback fails; a stuck one fails at the time limit", async () => {
    const app = await seed("payments-prod", "eu-1");
    const target = await release("1.0.0");
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps());
    await record(rollbackSync("payments-prod", "eu-1", { fails: true }));
    expect((await rollbacks())[0]).toMatchObject({ state: "FAILED", error: expect.stringMatching(/Argo CD's sync of payments-prod failed: one or more objects failed to apply/) });

    const other = await seed("payments-staging", "eu-2", { environment: "staging" });
    const second = await requestRollback(db, request(other.id, { targetReleaseId: target.id, idempotencyKey: "dialog-key-2" }), { actor: "sre@acme.dev" }, deps());
    await executeRollback(db, second.rollbackIds[0]!, { actor: "sre@acme.dev" }, deps());
    expect(await advanceRollbacks(db, { now: at(clock, minutes(29)), timeoutMs: minutes(30) })).toEqual({ succeeded: [], failed: [] });
    expect(await advanceRollbacks(db, { now: at(clock, minutes(31)), timeoutMs: minutes(30) })).toEqual({ succeeded: [], failed: second.rollbackIds });
    expect(await db.rollback.findUniqueOrThrow({ where: { id: second.rollbackIds[0]! } })).toMatchObject({
      state: "FAILED",
      error: "payments-staging did not run 1.0.0 healthy within 30 minutes of the rollback.",
    });
  });

  it("a release on two clusters: wave 0 first; its failure cancels wave 1 (stop at the first failure)", async () => {
    await seed("payments-a", "a-cluster");
    await seed("payments-b", "b-cluster");
    const from = await release("2.0.0");
    const target = await release("1.0.0");
    const scope = { kind: "release" as const, releaseId: from.id };
    const plan = await planRollback(db, { scope }, deps());
    expect(plan.waves.map((wave) => wave.clusters)).toEqual([["a-cluster"], ["b-cluster"]]);
    const requested = await requestRollback(db, { scope, targetReleaseId: target.id, reason: "bad release", idempotencyKey: "dialog-key-w" }, { actor: "sre@acme.dev" }, deps());
    expect(requested.rollbackIds).toHaveLength(2);
    const first = await executeRollback(db, requested.rollbackIds[0]!, { actor: "sre@acme.dev" }, deps());
    expect(first).toMatchObject({ wave: 0, executed: [requested.rollbackIds[0]] });
    // Wave 1 waits while wave 0 is syncing.
    expect(await executeRollback(db, requested.rollbackIds[0]!, { actor: "sre@acme.dev" }, deps())).toMatchObject({ executed: [] });
    await record(rollbackSync("payments-a", "a-cluster", { health: ["DEGRADED"] }));
    const states = (await rollbacks()).map((rollback) => [rollback.wave, rollback.state]);
    expect(states).toEqual([[0, "FAILED"], [1, "CANCELLED"]]);
    expect(argo.rollbacks.filter((call) => !call.dryRun).map((call) => call.name)).toEqual(["payments-a"]);
  });

  it("a release on two clusters: once wave 0 succeeds, the next execution runs wave 1", async () => {
    await seed("payments-a", "a-cluster");
    await seed("payments-b", "b-cluster");
    const from = await release("2.0.0");
    const target = await release("1.0.0");
    const requested = await requestRollback(db, { scope: { kind: "release", releaseId: from.id }, targetReleaseId: target.id, reason: "bad", idempotencyKey: "dialog-key-x" }, { actor: "sre@acme.dev" }, deps());
    await executeRollback(db, requested.rollbackIds[0]!, { actor: "sre@acme.dev" }, deps());
    await record(rollbackSync("payments-a", "a-cluster"));
    expect(await executeRollback(db, requested.rollbackIds[0]!, { actor: "sre@acme.dev" }, deps())).toMatchObject({ wave: 1, executed: [requested.rollbackIds[1]] });
  });

  it("GitOps (auto-sync on): a branch, a commit setting the kustomization's tag back with trailers, a pull request linking the rollback, merged when configured", async () => {
    const app = await seed("payments-prod", "eu-1", { automated: true });
    const kustomization = `resources:\n  - ../../base\nimages:\n  - name: europe-west1-docker.pkg.dev/foo/images/payments\n    newTag: 2.0.0 # CI\n`;
    github.repositories.set("acme/deploy", fakeRepository({ "apps/payments/eu-1/kustomization.yaml": kustomization }));
    const target = await release("1.0.0");
    await db.release.update({ where: { id: target.id }, data: { commitSha: "abcdef0123456789abcdef0123456789abcdef01" } });
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    const settings = { approval: "none" as const, autoMerge: true, timeoutMs: minutes(30) };
    expect(await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps({ settings }))).toMatchObject({ executed: rollbackIds });
    const repo = github.repositories.get("acme/deploy")!;
    const id = rollbackIds[0]!;
    expect(repo.commits).toHaveLength(1);
    expect(repo.commits[0]).toMatchObject({ branch: `shiplog/rollback-${id}`, path: "apps/payments/eu-1/kustomization.yaml", content: kustomization.replace("newTag: 2.0.0", "newTag: 1.0.0") });
    expect(repo.commits[0]!.message).toContain("Argocd-reference-commit-sha: abcdef0123456789abcdef0123456789abcdef01");
    expect(repo.commits[0]!.message).toContain(`https://shiplog.example/rollbacks/${id}`);
    expect(repo.pulls).toEqual([expect.objectContaining({ base: "main", head: `shiplog/rollback-${id}`, merged: true, body: expect.stringContaining(`https://shiplog.example/rollbacks/${id}`) })]);
    expect(repo.branches.get("main")!.get("apps/payments/eu-1/kustomization.yaml")).toContain("newTag: 1.0.0");
    const [waiting] = await rollbacks();
    expect(waiting).toMatchObject({ method: "GITOPS", state: "WAITING_FOR_SYNC", pullRequestUrl: "https://github.com/acme/deploy/pull/1" });
    expect(github.requests.every((call) => call.headers.authorization === `token ${github.token}`)).toBe(true);
  });

  it("GitOps with Helm values, and a protected branch refusing the merge in plain words", async () => {
    const app = await seed("payments-prod", "eu-1", { automated: true });
    github.repositories.set("acme/deploy", fakeRepository({ "apps/payments/eu-1/values.yaml": "image:\n  repository: europe-west1-docker.pkg.dev/foo/images/payments\n  tag: 2.0.0\n" }));
    github.mergeRefusal = { status: 405, message: "Protected branch update failed: 2 approving reviews are required" };
    const target = await release("1.0.0");
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    const settings = { approval: "none" as const, autoMerge: true, timeoutMs: minutes(30) };
    await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps({ settings }));
    const repo = github.repositories.get("acme/deploy")!;
    expect(repo.commits[0]!.content).toBe("image:\n  repository: europe-west1-docker.pkg.dev/foo/images/payments\n  tag: 1.0.0\n");
    const [failed] = await rollbacks();
    expect(failed!.state).toBe("FAILED");
    expect(failed!.error).toMatch(/^GitHub: the branch is protected in acme\/deploy \(Protected branch update failed/);
    expect(failed!.error).not.toContain(github.token);
  });
});

describe("GitOps on GitLab", () => {
  /** The fake's address is the GitLab instance (GITLAB_URL); its config repository acme/deploy. */
  const gitlabDeps = (token: string | null = gitlab.token) =>
    deps({ gitlab: { host: new URL(gitlab.url).host, api: token ? createGitlabApi({ url: gitlab.url, token, timeoutMs: 2_000 }) : null } });
  const kustomization = `resources:\n  - ../../base\nimages:\n  - name: europe-west1-docker.pkg.dev/foo/images/payments\n    newTag: 2.0.0 # CI\n`;

  it("a config repository on the GitLab instance gets a branch, one commit and a merge request whose diff is exactly the tag change, merged when configured", async () => {
    github.requests.length = 0;
    const app = await seed("payments-prod", "eu-1", { automated: true, repoUrl: `${gitlab.url}/acme/deploy.git` });
    gitlab.projects.set("acme/deploy", fakeGitlabProject({ "apps/payments/eu-1/kustomization.yaml": kustomization, "apps/payments/eu-2/kustomization.yaml": kustomization }));
    // GitLab checks a new merge request's mergeability asynchronously: the first merge is refused.
    gitlab.mergeChecksPending = 1;
    const target = await release("1.0.0");
    await db.release.update({ where: { id: target.id }, data: { commitSha: "abcdef0123456789abcdef0123456789abcdef01" } });
    const plan = await planRollback(db, { scope: { kind: "application", applicationId: app.id }, dryRun: true }, gitlabDeps());
    expect(plan.applications[0]).toMatchObject({ method: "GITOPS", gitops: { forge: "gitlab" }, dryRun: { status: "passed", message: expect.stringMatching(/from 2\.0\.0 to 1\.0\.0 in 127\.0\.0\.1:\d+\/acme\/deploy\/apps\/payments\/eu-1\/kustomization\.yaml on main/) } });
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, gitlabDeps());
    const settings = { approval: "none" as const, autoMerge: true, timeoutMs: minutes(30) };

    const executed = await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, { ...gitlabDeps(), settings });
    expect(executed, JSON.stringify(await rollbacks())).toMatchObject({ executed: rollbackIds });

    const id = rollbackIds[0]!;
    const project = gitlab.projects.get("acme/deploy")!;
    expect(project.commits).toHaveLength(1);
    expect(project.commits[0]).toMatchObject({ branch: `shiplog/rollback-${id}`, actions: [{ action: "update", file_path: "apps/payments/eu-1/kustomization.yaml" }] });
    expect(project.commits[0]!.message).toContain("Argocd-reference-commit-sha: abcdef0123456789abcdef0123456789abcdef01");
    const [mr] = project.mergeRequests;
    expect(project.mergeRequests).toHaveLength(1);
    expect(mr).toMatchObject({ source_branch: `shiplog/rollback-${id}`, target_branch: "main", state: "merged", squash: true, description: expect.stringContaining(`https://shiplog.example/rollbacks/${id}`) });
    // The merge request's diff: one file, one line, the tag.
    const changed = [...mr!.mergedFiles!].filter(([path, content]) => mr!.baseFiles.get(path) !== content);
    expect(changed.map(([path]) => path)).toEqual(["apps/payments/eu-1/kustomization.yaml"]);
    const before = mr!.baseFiles.get("apps/payments/eu-1/kustomization.yaml")!.split("\n");
    const after = changed[0]![1].split("\n");
    expect(after.length).toBe(before.length);
    expect(before.flatMap((line, index) => (line === after[index] ? [] : [[line, after[index]]]))).toEqual([["    newTag: 2.0.0 # CI", "    newTag: 1.0.0 # CI"]]);
    expect(project.branches.get("main")!.get("apps/payments/eu-1/kustomization.yaml")!.content).toBe(kustomization.replace("newTag: 2.0.0", "newTag: 1.0.0"));
    expect(project.branches.has(`shiplog/rollback-${id}`), "the source branch is removed on merge").toBe(false);
    const [waiting] = await rollbacks();
    expect(waiting).toMatchObject({ method: "GITOPS", state: "WAITING_FOR_SYNC", pullRequestUrl: `${gitlab.url}/acme/deploy/-/merge_requests/1` });
    expect(gitlab.requests.every((call) => call.headers["private-token"] === gitlab.token)).toBe(true);
    expect(github.requests.filter((call) => call.path.includes("acme/deploy"))).toEqual([]);
  });

  it("without GITLAB_TOKEN the GitOps method is unavailable, naming the setting; a refused token fails the rollback in plain words", async () => {
    const app = await seed("payments-prod", "eu-1", { automated: true, repoUrl: `git@127.0.0.1:acme/deploy.git` });
    const target = await release("1.0.0");
    const plan = await planRollback(db, { scope: { kind: "application", applicationId: app.id }, targetReleaseId: target.id }, gitlabDeps(null));
    expect(plan.applications[0]!.methods).toContainEqual({ method: "GITOPS", available: false, reason: "GitOps merge requests on GitLab need GitLab access (GITLAB_TOKEN)" });

    gitlab.projects.set("acme/deploy", fakeGitlabProject({ "apps/payments/eu-1/kustomization.yaml": kustomization }));
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, gitlabDeps());
    await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, gitlabDeps("glpat-revoked"));
    const [failed] = await rollbacks();
    expect(failed).toMatchObject({ state: "FAILED", error: "GitLab refused Shiplog's token (401): check GITLAB_TOKEN (expired, revoked or mistyped)." });
  });
});

describe("GitHub time limits", () => {
  it("a hanging GitHub: each call gives up at its time limit and the rollback fails saying so", async () => {
    const app = await seed("payments-prod", "eu-1", { automated: true });
    github.repositories.set("acme/deploy", fakeRepository({ "apps/payments/eu-1/kustomization.yaml": "images:\n  - name: payments\n    newTag: 2.0.0\n" }));
    const target = await release("1.0.0");
    const { rollbackIds } = await requestRollback(db, request(app.id, { targetReleaseId: target.id }), { actor: "sre@acme.dev" }, deps());
    github.delayMs = 3_000;
    const started = Date.now();
    await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps({}, 300));
    expect(Date.now() - started).toBeLessThan(2_500);
    const [failed] = await rollbacks();
    expect(failed).toMatchObject({ state: "FAILED", error: expect.stringMatching(/^GitHub did not answer for acme\/deploy: GET \/repos\/acme\/deploy\/contents\/.*no answer within the time limit/) });
    expect(github.repositories.get("acme/deploy")!.commits).toEqual([]);
  });
});

describe("runDueRollbacks", () => {
  it("runs wave 1 once wave 0 succeeded, and the view shows each rollback's history", async () => {
    await seed("payments-a", "a-cluster");
    await seed("payments-b", "b-cluster");
    const from = await release("2.0.0");
    const target = await release("1.0.0");
    const requested = await requestRollback(db, { scope: { kind: "release", releaseId: from.id }, targetReleaseId: target.id, reason: "bad", idempotencyKey: "dialog-key-r" }, { actor: "sre@acme.dev" }, deps());
    expect(await runDueRollbacks(db, deps())).toEqual({ failed: [], executed: [requested.rollbackIds[0]] });
    expect(await runDueRollbacks(db, deps())).toEqual({ failed: [], executed: [] });
    await record(rollbackSync("payments-a", "a-cluster"));
    expect(await runDueRollbacks(db, deps())).toEqual({ failed: [], executed: [requested.rollbackIds[1]] });
    const view = await getRollback(db, requested.rollbackIds[0]!);
    expect(view).toMatchObject({ state: "SUCCEEDED", wave: 0, application: { name: "payments-a", cluster: "a-cluster" }, toRelease: { version: "1.0.0" }, fromRelease: { version: "2.0.0" } });
    expect(view!.transitions.map((transition) => transition.toState)).toEqual(["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC", "SUCCEEDED"]);
    expect(await getRollback(db, 999)).toBeNull();
  });
});

describe("a targeted rollback of a release on 40 clusters, 3 of them degraded", () => {
  const REGIONS = ["eu-west-1", "eu-north-1", "us-east-1", "ap-south-1"];
  const DEGRADED = new Set([7, 18, 33]);
  const clusterOf = (index: number) => `gke-${String(index).padStart(2, "0")}`;
  const nameOf = (index: number) => `payments-${clusterOf(index)}`;

  async function seedFleet() {
    for (let index = 1; index <= 40; index += 1) {
      await seed(nameOf(index), clusterOf(index), { region: REGIONS[(index - 1) % 4], healthy: !DEGRADED.has(index) });
    }
    return { from: await release("2.0.0"), target: await release("1.0.0") };
  }

  it("plans only the 3 degraded by default, requests them, and rolls back exactly those 3 in Argo CD", async () => {
    const { from, target } = await seedFleet();
    const scope = { kind: "release" as const, releaseId: from.id };
    const plan = await planRollback(db, { scope, dryRun: true }, deps());
    expect(plan.scope).toEqual({ ...scope, select: { by: "degraded-or-failed" } });
    expect(plan.scopeChoices).toMatchObject({ applications: 40, degradedOrFailed: 3, defaulted: true });
    expect(plan.scopeChoices!.regions.map((region) => [region.region, region.applications, region.degradedOrFailed])).toEqual([
      ["ap-south-1", 10, 0],
      ["eu-north-1", 10, 1],
      ["eu-west-1", 10, 1],
      ["us-east-1", 10, 1],
    ]);
    expect(plan.scopeChoices!.clusters).toHaveLength(40);
    expect(plan.applications.map((app) => app.name)).toEqual([7, 18, 33].map(nameOf));
    expect(plan.groups.map((group) => [group.environment, group.region, group.applications, group.dryRun.passed])).toEqual([
      ["prod", "eu-north-1", 1, 1],
      ["prod", "eu-west-1", 1, 1],
      ["prod", "us-east-1", 1, 1],
    ]);
    expect(plan.executable).toBe(true);
    // Dry runs asked for the three only.
    expect(new Set(argo.rollbacks.map((call) => call.name))).toEqual(new Set([7, 18, 33].map(nameOf)));

    const requested = await requestRollback(
      db,
      { scope: plan.scope, targetReleaseId: target.id, reason: "2.0.0 is degraded in 3 clusters", idempotencyKey: "dialog-key-40", selectionDigest: plan.selectionDigest },
      { actor: "sre@acme.dev" },
      deps(),
    );
    expect(requested.rollbackIds).toHaveLength(3);
    argo.rollbacks.length = 0;
    // Wave 0 (one cluster), then once it is healthy, the other two.
    expect((await runDueRollbacks(db, deps())).executed).toHaveLength(1);
    const [first] = await db.rollback.findMany({ where: { state: "WAITING_FOR_SYNC" }, include: { application: { include: { cluster: true } } } });
    await record(rollbackSync(first!.application.name, first!.application.cluster.name));
    expect((await runDueRollbacks(db, deps())).executed).toHaveLength(2);
    expect(argo.rollbacks.filter((call) => !call.dryRun).map((call) => call.name).sort()).toEqual([7, 18, 33].map(nameOf));
    expect(argo.rollbacks.every((call) => call.id === 11)).toBe(true);
    const made = await db.rollback.findMany({ include: { application: true } });
    expect(made.map((row) => row.application.name).sort()).toEqual([7, 18, 33].map(nameOf));
  }, 60_000);

  it("other scopes: a region, an environment, chosen clusters; bad scopes are refused with the reason; a changed selection is refused (409) before anything is made", async () => {
    const { from, target } = await seedFleet();
    const planOf = (select: ReleaseSelection | undefined) =>
      planRollback(db, { scope: { kind: "release", releaseId: from.id, select } }, deps());
    expect((await planOf({ by: "regions", regions: ["us-east-1"] })).applications.map((app) => app.name)).toEqual([3, 7, 11, 15, 19, 23, 27, 31, 35, 39].map(nameOf));
    expect((await planOf({ by: "environment", environment: "prod" })).applications).toHaveLength(40);
    const all = await planOf({ by: "all" });
    expect(all.applications).toHaveLength(40);
    expect(all.waves.map((wave) => wave.applicationIds.length)).toEqual([1, 39]);
    expect(all.target?.version).toBe("1.0.0");
    const chosen = await planOf({ by: "clusters", clusters: [clusterOf(1), clusterOf(2)] });
    expect(chosen.applications.map((app) => app.name)).toEqual([1, 2].map(nameOf));
    await expect(planOf({ by: "regions", regions: ["sa-east-1"] })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/^2\.0\.0 does not run in region "sa-east-1"; it runs in /) });
    await expect(planOf({ by: "environment", environment: "staging" })).rejects.toMatchObject({ code: "bad_request", message: '2.0.0 does not run in environment "staging"; it runs in prod.' });
    await expect(planOf({ by: "clusters", clusters: [] })).rejects.toThrow(/choose at least one cluster/);

    // The plan showed 3; a fourth turned degraded before the click: refused, nothing made.
    const plan = await planOf(undefined);
    await record(rollout({ app: appOf(nameOf(1), clusterOf(1), "prod", REGIONS[0]), startedAt: at(t0, minutes(90)), from: v2, to: v2, revision: "r2b", historyId: 13, initiatedBy: "dev@acme.dev", health: ["DEGRADED"] }));
    const stale = requestRollback(
      db,
      { scope: plan.scope, targetReleaseId: target.id, reason: "bad", idempotencyKey: "dialog-key-stale", selectionDigest: plan.selectionDigest },
      { actor: "sre@acme.dev" },
      deps(),
    );
    await expect(stale).rejects.toMatchObject({ code: "conflict", status: 409, details: { reason: "selection_changed", applications: 4 } });
    expect(await db.rollback.count()).toBe(0);
  }, 60_000);
});
