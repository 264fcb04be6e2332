// The promotion engine against a real PostgreSQL, a fake Argo CD and a fake GitHub: a release
// promoted from staging into prod through three waves (canary, then region by region) with
// GitOps pull requests whose diff is exactly the tag change (kustomize and Helm values), each
// wave advanced by the Argo CD events the worker projects and the soak time; a Degraded canary
// stopping it (and rolled back when enabled); pause and resume; an Argo CD sync to a revision for
// an application without auto-sync; 20 concurrent requests making one promotion; audit of every step.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { ArgoCdClient } from "@/lib/argocd/argocd-client";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { createGithubClient } from "@/lib/github/github-client";
import { advancePromotions } from "@/lib/promotions/advance-promotions";
import { controlPromotion } from "@/lib/promotions/control-promotion";
import { getPromotion } from "@/lib/promotions/get-promotion";
import { planPromotion } from "@/lib/promotions/plan-promotion";
import type { PromotionDependencies } from "@/lib/promotions/promotion-dependencies";
import { requestPromotion } from "@/lib/promotions/request-promotion";
import { runDuePromotions } from "@/lib/promotions/run-due-promotions";
import { advanceRollbacks } from "@/lib/rollback/advance-rollbacks";
import { type FakeArgoCd, startFakeArgoCd } from "../../support/fake-argocd";
import { createGitlabApi } from "@/lib/gitlab/gitlab-client";
import { type FakeGitlab, fakeGitlabProject, startFakeGitlab } from "../../support/fake-gitlab";
import { type FakeGithub, fakeRepository, startFakeGithub } from "../../support/fake-github";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
let directory = new FleetDirectory();
const t0 = new Date("2026-11-01T08:00:00.000Z");
let now = new Date("2026-11-01T10:00:00.000Z");
const v1 = [image("payments", "1.0.0")];
const v2 = [image("payments", "2.0.0")];
const bareImage = image("payments", "").slice(0, -1);
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
  now = new Date("2026-11-01T10:00:00.000Z");
  argo.applications.clear();
  argo.syncs.length = 0;
  argo.rollbacks.length = 0;
  github.repositories.clear();
  gitlab.projects.clear();
});

function deps(overrides: Partial<PromotionDependencies["promotion"]> = {}): PromotionDependencies {
  return {
    settings: { approval: "none", autoMerge: true, timeoutMs: minutes(30) },
    argoInstances: ["argocd"],
    argocd: (name) => (name === "argocd" ? new ArgoCdClient({ name, url: argo.url, token: argo.token }, 2_000) : null),
    github: createGithubClient({ baseUrl: github.url, auth: { token: github.token }, timeoutMs: 2_000, retries: 0, log: () => undefined }),
    gitlab: { host: new URL(gitlab.url).host, api: createGitlabApi({ url: gitlab.url, token: gitlab.token, timeoutMs: 2_000 }) },
    rollbackUrl: (id) => `https://shiplog.example/rollbacks/${id}`,
    now: () => now,
    promotion: { approval: "none", autoMerge: true, autoRollback: false, canaryClusters: 1, waveSize: 0, regionOrder: ["eu-west-1"], soakMs: minutes(10), waveTimeoutMs: minutes(60), ...overrides },
    promotionUrl: (id) => `https://shiplog.example/promotions/${id}`,
  };
}

/** What the Argo CD event handler does: record, then move rollbacks and promotion waves on. */
async function record(snapshots: ApplicationSnapshot[]) {
  for (const snapshot of snapshots) {
    await db.$transaction(async (tx) => {
      const recorded = await recordApplicationSnapshot(tx, directory, snapshot);
      await advanceRollbacks(tx, { applicationIds: [recorded.applicationId], now });
      await advancePromotions(tx, { applicationIds: [recorded.applicationId], now });
    });
  }
}

const appOf = (name: string, cluster: string, environment: string, region: string, path = `apps/payments/${cluster}`, repoUrl = "https://github.com/acme/deploy.git"): Partial<ApplicationSnapshot> => ({
  name,
  labels: { "shiplog.io/service": "payments", "shiplog.io/environment": environment, "shiplog.io/team": "core", "shiplog.io/region": region },
  destination: { name: cluster, namespace: "payments" },
  source: { repoUrl, path, targetRevision: "main" },
});

const KUSTOMIZATION = (tag: string) =>
  ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:", "  - ../../base", "images:", `  - name: ${bareImage}`, `    newTag: ${tag} # set by CI`, ""].join("\n");
const VALUES = (tag: string) => ["replicaCount: 3", "image:", `  repository: ${bareImage}`, `  tag: "${tag}"`, "  pullPolicy: IfNotPresent", ""].join("\n");

/** staging runs 2.0.0; prod runs 1.0.0 on prod-eu-1, prod-eu-2 (eu-west-1) and prod-us-1 (us-east-1, Helm values), all with auto-sync. */
async function seedFleet() {
  const staging = appOf("payments-staging", "stg-1", "staging", "eu-west-1");
  await record(rollout({ app: staging, startedAt: at(t0, minutes(30)), from: [], to: v2, revision: "r2", historyId: 21 }));
  const prod = [appOf("payments-prod-eu-1", "prod-eu-1", "prod", "eu-west-1"), appOf("payments-prod-eu-2", "prod-eu-2", "prod", "eu-west-1"), appOf("payments-prod-us-1", "prod-us-1", "prod", "us-east-1")];
  for (const app of prod) {
    await record(rollout({ app, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11 }));
    argo.applications.set(app.name!, { metadata: { name: app.name, namespace: "argo-cd" }, spec: { syncPolicy: { automated: {} }, source: { targetRevision: "main" } }, status: { history: [{ id: 11 }] } });
  }
  github.repositories.set(
    "acme/deploy",
    fakeRepository({
      "apps/payments/prod-eu-1/kustomization.yaml": KUSTOMIZATION("1.0.0"),
      "apps/payments/prod-eu-2/kustomization.yaml": KUSTOMIZATION("1.0.0"),
      "apps/payments/prod-us-1/values.yaml": VALUES("1.0.0"),
    }),
  );
  return { release: await db.release.findFirstOrThrow({ where: { version: "2.0.0" } }), prod };
}

/** Argo CD applying the merged change: a sync of the application to 2.0.0, healthy or degraded. */
const syncTo2 = (app: Partial<ApplicationSnapshot>, health: ("HEALTHY" | "DEGRADED")[] = ["HEALTHY"]) =>
  rollout({ app, startedAt: at(now, 10_000), from: v1, to: v2, revision: "r3", historyId: 12, health });

const auditMarker = async () => (await db.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
const promoteBody = (releaseId: number, key = "promote-key-0001") => ({ releaseId, environment: "prod", idempotencyKey: key, reason: "staging looks good" });
const changedLines = (before: string, after: string) => {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]]]));
};

describe("promotions", () => {
  it("moves a release into prod through three waves (canary, then region by region), each after its soak, with PRs changing only the tag", async () => {
    const { release, prod } = await seedFleet();
    const marker = await auditMarker();
    const plan = await planPromotion(db, { releaseId: release.id, environment: "prod", dryRun: true }, deps());
    expect(plan.executable).toBe(true);
    expect(plan.waves.map((wave) => [wave.kind, wave.region, wave.clusters])).toEqual([
      ["canary", "eu-west-1", ["prod-eu-1"]],
      ["region", "eu-west-1", ["prod-eu-2"]],
      ["region", "us-east-1", ["prod-us-1"]],
    ]);
    expect(plan.applications.map((app) => [app.name, app.method, app.dryRun.status])).toEqual([
      ["payments-prod-eu-1", "GITOPS", "passed"],
      ["payments-prod-eu-2", "GITOPS", "passed"],
      ["payments-prod-us-1", "GITOPS", "passed"],
    ]);
    expect(github.repositories.get("acme/deploy")!.commits).toEqual([]);

    const made = await requestPromotion(db, { ...promoteBody(release.id), selectionDigest: plan.selectionDigest }, { actor: "sre@acme.dev", requestId: "req-1" }, deps());
    expect(made).toMatchObject({ replayed: false, state: "RUNNING" });
    for (const [index, app] of prod.entries()) {
      await runDuePromotions(db, deps());
      const repository = github.repositories.get("acme/deploy")!;
      expect(repository.commits).toHaveLength(index + 1);
      expect(repository.pulls.at(-1)).toMatchObject({ merged: true, base: "main", head: `shiplog/promote-${made.promotionId}-${(await db.application.findFirstOrThrow({ where: { name: app.name } })).id}` });
      // Nothing moves on before Argo CD reports the sync, nor before the soak time has passed.
      await runDuePromotions(db, deps());
      expect(repository.commits).toHaveLength(index + 1);
      await record(syncTo2(app));
      now = at(now, minutes(9));
      await runDuePromotions(db, deps());
      expect(repository.commits).toHaveLength(index + 1);
      now = at(now, minutes(2));
    }
    await runDuePromotions(db, deps());
    const view = (await getPromotion(db, made.promotionId))!;
    expect(view.state).toBe("SUCCEEDED");
    expect(view.waves.map((wave) => [wave.state, wave.applications.map((app) => [app.state, app.pullRequestUrl !== null])])).toEqual([
      ["SUCCEEDED", [["SUCCEEDED", true]]],
      ["SUCCEEDED", [["SUCCEEDED", true]]],
      ["SUCCEEDED", [["SUCCEEDED", true]]],
    ]);
    const commits = github.repositories.get("acme/deploy")!.commits;
    expect(commits.map((commit) => commit.path)).toEqual(["apps/payments/prod-eu-1/kustomization.yaml", "apps/payments/prod-eu-2/kustomization.yaml", "apps/payments/prod-us-1/values.yaml"]);
    expect(changedLines(KUSTOMIZATION("1.0.0"), commits[0]!.content)).toEqual([["    newTag: 1.0.0 # set by CI", "    newTag: 2.0.0 # set by CI"]]);
    expect(changedLines(VALUES("1.0.0"), commits[2]!.content)).toEqual([['  tag: "1.0.0"', '  tag: "2.0.0"']]);
    expect(commits[0]!.message).toMatch(/^Promote payments to 2\.0\.0 on prod-eu-1\n\nShiplog promotion #\d+ of payments into prod, wave 1: payments-prod-eu-1, requested by sre@acme\.dev\./);
    const actions = (await db.auditEvent.findMany({ where: { id: { gt: marker } }, orderBy: { id: "asc" } })).map((event) => event.action);
    expect(actions).toEqual([
      "promotion.requested",
      "promotion.approved",
      ...[0, 1, 2].flatMap(() => ["promotion.wave-started", "promotion.application-changed", "promotion.wave-soaking", "promotion.wave-succeeded"]),
      "promotion.succeeded",
    ]);
  });

  it("a config repository on GitLab: the wave opens a merge request whose diff is exactly the tag change, merged", async () => {
    const staging = appOf("payments-staging", "stg-1", "staging", "eu-west-1");
    await record(rollout({ app: staging, startedAt: at(t0, minutes(30)), from: [], to: v2, revision: "r2", historyId: 21 }));
    const prod = appOf("payments-prod-eu-1", "prod-eu-1", "prod", "eu-west-1", "apps/payments/prod-eu-1", `${gitlab.url}/platform/deploy.git`);
    await record(rollout({ app: prod, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11 }));
    argo.applications.set(prod.name!, { metadata: { name: prod.name, namespace: "argo-cd" }, spec: { syncPolicy: { automated: {} }, source: { targetRevision: "main" } }, status: { history: [{ id: 11 }] } });
    gitlab.projects.set("platform/deploy", fakeGitlabProject({ "apps/payments/prod-eu-1/kustomization.yaml": KUSTOMIZATION("1.0.0") }));
    const release = await db.release.findFirstOrThrow({ where: { version: "2.0.0" } });

    const plan = await planPromotion(db, { releaseId: release.id, environment: "prod", dryRun: true }, deps());
    expect(plan.applications.map((app) => [app.name, app.method, app.gitops?.forge, app.dryRun.status])).toEqual([["payments-prod-eu-1", "GITOPS", "gitlab", "passed"]]);
    const made = await requestPromotion(db, { ...promoteBody(release.id), selectionDigest: plan.selectionDigest }, { actor: "sre@acme.dev" }, deps());
    await runDuePromotions(db, deps());

    const project = gitlab.projects.get("platform/deploy")!;
    const [mr] = project.mergeRequests;
    expect(project.mergeRequests).toHaveLength(1);
    expect(mr).toMatchObject({ state: "merged", target_branch: "main", title: "Promote payments to 2.0.0 on prod-eu-1", description: expect.stringContaining(`https://shiplog.example/promotions/${made.promotionId}`) });
    const changed = [...mr!.mergedFiles!].filter(([path, content]) => mr!.baseFiles.get(path) !== content);
    expect(changed.map(([path]) => path)).toEqual(["apps/payments/prod-eu-1/kustomization.yaml"]);
    expect(changedLines(KUSTOMIZATION("1.0.0"), changed[0]![1])).toEqual([["    newTag: 1.0.0 # set by CI", "    newTag: 2.0.0 # set by CI"]]);
    const view = (await getPromotion(db, made.promotionId))!;
    expect(view.waves[0]!.applications[0]!.pullRequestUrl).toBe(`${gitlab.url}/platform/deploy/-/merge_requests/1`);
    expect(github.requests.filter((call) => call.path.includes("platform/deploy"))).toEqual([]);
  });

  it("a Degraded canary stops the promotion; later waves never start; with auto-rollback the canary is rolled back", async () => {
    const { release, prod } = await seedFleet();
    const made = await requestPromotion(db, promoteBody(release.id), { actor: "sre@acme.dev" }, deps({ autoRollback: true }));
    await runDuePromotions(db, deps({ autoRollback: true }));
    await record(syncTo2(prod[0]!, ["DEGRADED"]));
    const stopped = (await getPromotion(db, made.promotionId))!;
    expect(stopped.state).toBe("FAILED");
    expect(stopped.error).toBe("payments-prod-eu-1 runs 2.0.0 but is Degraded.");
    expect(stopped.waves.map((wave) => wave.state)).toEqual(["FAILED", "CANCELLED", "CANCELLED"]);
    now = at(now, minutes(1));
    await runDuePromotions(db, deps({ autoRollback: true }));
    const repository = github.repositories.get("acme/deploy")!;
    // One promotion PR and one rollback PR, both on the canary's file; the other clusters untouched.
    expect(repository.commits.map((commit) => commit.path)).toEqual(["apps/payments/prod-eu-1/kustomization.yaml", "apps/payments/prod-eu-1/kustomization.yaml"]);
    const rollback = await db.rollback.findFirstOrThrow({ include: { toRelease: true } });
    expect(rollback).toMatchObject({ requestedBy: "system:promotions", method: "GITOPS", state: "WAITING_FOR_SYNC", toRelease: { version: "1.0.0" } });
    expect(repository.commits[1]!.content).toContain("newTag: 1.0.0");
    const view = (await getPromotion(db, made.promotionId))!;
    expect(view.waves[0]!.applications[0]).toMatchObject({ state: "FAILED", rollbackId: rollback.id });
    expect(view.steps.map((step) => step.action)).toContain("promotion.rollback-requested");
    // A second pass asks for nothing more.
    await runDuePromotions(db, deps({ autoRollback: true }));
    expect(await db.rollback.count()).toBe(1);
  });

  it("a Degraded wave without auto-rollback stops and rolls nothing back", async () => {
    const { release, prod } = await seedFleet();
    await requestPromotion(db, promoteBody(release.id), { actor: "sre@acme.dev" }, deps());
    await runDuePromotions(db, deps());
    await record(syncTo2(prod[0]!, ["DEGRADED"]));
    await runDuePromotions(db, deps());
    expect(await db.rollback.count()).toBe(0);
    expect(github.repositories.get("acme/deploy")!.commits).toHaveLength(1);
  });

  it("pause holds the next wave; resume continues it; abort stops it for good", async () => {
    const { release, prod } = await seedFleet();
    const made = await requestPromotion(db, promoteBody(release.id), { actor: "sre@acme.dev" }, deps());
    await runDuePromotions(db, deps());
    await controlPromotion(db, made.promotionId, "pause", { actor: "sre@acme.dev" }, now);
    await record(syncTo2(prod[0]!));
    now = at(now, minutes(30));
    await runDuePromotions(db, deps());
    expect(github.repositories.get("acme/deploy")!.commits).toHaveLength(1);
    expect((await getPromotion(db, made.promotionId))!.state).toBe("PAUSED");
    await expect(controlPromotion(db, made.promotionId, "pause", { actor: "sre@acme.dev" }, now)).rejects.toMatchObject({ status: 409, message: `Promotion #${made.promotionId} is paused: it cannot be paused now.` });

    await controlPromotion(db, made.promotionId, "resume", { actor: "sre@acme.dev" }, now);
    await runDuePromotions(db, deps()); // the soak starts again after the pause
    now = at(now, minutes(11));
    await runDuePromotions(db, deps());
    expect(github.repositories.get("acme/deploy")!.commits).toHaveLength(2);

    await controlPromotion(db, made.promotionId, "abort", { actor: "sre@acme.dev" }, now);
    await record(syncTo2(prod[1]!));
    now = at(now, minutes(30));
    await runDuePromotions(db, deps());
    const view = (await getPromotion(db, made.promotionId))!;
    expect(view.state).toBe("ABORTED");
    expect(view.waves.map((wave) => wave.state)).toEqual(["SUCCEEDED", "CANCELLED", "CANCELLED"]);
    expect(github.repositories.get("acme/deploy")!.commits).toHaveLength(2);
    expect(view.steps.map((step) => step.action)).toEqual(expect.arrayContaining(["promotion.paused", "promotion.resumed", "promotion.aborted"]));
  });

  it("an application without auto-sync is synced by Argo CD to the revision the release ran with (dry run first)", async () => {
    const shared = "apps/payments";
    await record(rollout({ app: appOf("payments-staging", "stg-1", "staging", "eu-west-1", shared), startedAt: t0, from: [], to: v2, revision: "abc123", historyId: 21, initiatedBy: "dev@acme.dev" }));
    const manual = appOf("payments-prod", "prod-eu-1", "prod", "eu-west-1", shared);
    await record(rollout({ app: manual, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11, initiatedBy: "dev@acme.dev" }));
    argo.applications.set("payments-prod", { metadata: { name: "payments-prod", namespace: "argo-cd" }, spec: {}, status: { history: [{ id: 11 }] } });
    const release = await db.release.findFirstOrThrow({ where: { version: "2.0.0" } });
    const made = await requestPromotion(db, promoteBody(release.id), { actor: "sre@acme.dev" }, deps());
    await runDuePromotions(db, deps());
    expect(argo.syncs).toEqual([
      { name: "payments-prod", revision: "abc123", dryRun: true, appNamespace: "argo-cd" },
      { name: "payments-prod", revision: "abc123", dryRun: false, appNamespace: "argo-cd" },
    ]);
    const view = (await getPromotion(db, made.promotionId))!;
    expect(view.waves[0]!.applications[0]).toMatchObject({ method: "ARGOCD", state: "WAITING", argoOperation: "sync of payments-prod on argocd to revision abc123", pullRequestUrl: null });
  });

  it("20 concurrent promote requests for one service and environment make one promotion; the others are told which (409)", async () => {
    const { release } = await seedFleet();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => requestPromotion(db, promoteBody(release.id, `promote-key-${index}`), { actor: `sre${index}@acme.dev` }, deps())),
    );
    const promotions = await db.promotion.findMany();
    expect(promotions).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    expect(refused).toHaveLength(19);
    for (const outcome of refused) {
      expect(outcome.reason).toMatchObject({ status: 409, message: `payments is already being promoted into prod (promotion #${promotions[0]!.id}): abort it or wait for it to finish.` });
    }
    expect(await db.promotionStep.count({ where: { action: "promotion.requested" } })).toBe(1);
    // The winner's key again is the same promotion, not a conflict.
    const winner = outcomes.findIndex((outcome) => outcome.status === "fulfilled");
    const again = await requestPromotion(db, promoteBody(release.id, `promote-key-${winner}`), { actor: `sre${winner}@acme.dev` }, deps());
    expect(again.promotionId).toBe(promotions[0]!.id);
  });

  it("refuses in plain words: an unknown environment, a region it does not run in, production needing a second person", async () => {
    const { release } = await seedFleet();
    await expect(planPromotion(db, { releaseId: release.id, environment: "qa" }, deps())).rejects.toMatchObject({ status: 400, message: 'Environment "qa" does not exist; there are staging, prod.' });
    await expect(planPromotion(db, { releaseId: release.id, environment: "prod", select: { by: "regions", regions: ["mars-1"] } }, deps())).rejects.toMatchObject({
      status: 400,
      message: 'payments has no applications in prod in region "mars-1"; it runs in "eu-west-1", "us-east-1".',
    });
    const gated = deps({ approval: "production" });
    const made = await requestPromotion(db, promoteBody(release.id), { actor: "sre@acme.dev" }, gated);
    expect(made).toMatchObject({ state: "AWAITING_APPROVAL", approvalRequired: true });
    await runDuePromotions(db, gated);
    expect(github.repositories.get("acme/deploy")!.commits).toHaveLength(0);
    await expect(controlPromotion(db, made.promotionId, "approve", { actor: "sre@acme.dev" }, now)).rejects.toMatchObject({ status: 403 });
    await controlPromotion(db, made.promotionId, "approve", { actor: "other-sre@acme.dev" }, now);
    await runDuePromotions(db, gated);
    expect(github.repositories.get("acme/deploy")!.commits).toHaveLength(1);
  });
});
