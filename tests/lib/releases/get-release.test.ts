// getRelease on a real database, with a small fleet written row by row so every case of the
// drill-down is present: a release deployed to one cluster and not yet to another, rolled back
// there (deployment links and a Shiplog rollback request), a removed application that ran it,
// neighbours on both sides, and the links out to Argo CD and GitHub.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { getRelease, releaseDetailSchema } from "../../../lib/releases/get-release";
import { listReleasesAround } from "../../../lib/releases/list-releases-around";
import { releaseExists } from "../../../lib/releases/release-exists";

const t0 = new Date("2026-11-01T10:00:00Z");
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

let ids: {
  r1: number; r2: number; r3: number;
  app1: number; app2: number; app3: number;
  d1: number; d2: number; d3: number; d4: number; d5: number;
  rollback: number;
};

beforeAll(async () => {
  const db = getDb();
  const team = await db.team.create({ data: { slug: "payments", name: "Payments" } });
  const service = await db.service.create({ data: { name: "checkout-api", repository: "acme/checkout-api", teamId: team.id } });
  const prod = await db.environment.upsert({ where: { name: "prod" }, create: { name: "prod", rank: 30, isProduction: true }, update: {} });
  const staging = await db.environment.upsert({ where: { name: "staging" }, create: { name: "staging", rank: 20 }, update: {} });
  const instance = await db.argoInstance.create({ data: { name: "argocd-prod", url: "https://argocd.example.com/" } });
  const cluster = (name: string) => db.cluster.create({ data: { argoInstanceId: instance.id, name, server: `https://${name}.example`, region: "eu-west-1" } });
  const [a, b, c] = [await cluster("prod-a"), await cluster("prod-b"), await cluster("staging-a")];

  const release = (version: string, at: Date, sha: string) =>
    db.release.create({ data: { serviceId: service.id, version, firstSeenAt: at, commitSha: sha.repeat(40), image: "registry/checkout-api", imageTag: version, commitsComplete: true } });
  const r1 = await release("1.0.0", minutes(0), "a");
  const r2 = await release("1.1.0", minutes(60), "b");
  const r3 = await release("1.2.0", minutes(120), "c");

  const application = (name: string, clusterId: number, environmentId: number, current: number, deletedAt?: Date) =>
    db.application.create({
      data: { argoInstanceId: instance.id, namespace: "argocd", name, serviceId: service.id, environmentId, clusterId, currentReleaseId: current, healthStatus: "HEALTHY", syncStatus: "SYNCED", deletedAt },
    });
  const app1 = await application("checkout-api-prod-a", a.id, prod.id, r1.id);
  const app2 = await application("checkout-api-prod-b", b.id, prod.id, r1.id);
  const app3 = await application("checkout-api-staging-a", c.id, staging.id, r2.id, minutes(500));

  const deployment = (applicationId: number, clusterId: number, environmentId: number, releaseId: number, start: number, extra: Record<string, unknown> = {}) =>
    db.deployment.create({
      data: {
        applicationId, serviceId: service.id, teamId: team.id, environmentId, clusterId, releaseId, operationKey: `op-${applicationId}-${start}`,
        observedAt: minutes(start + 5), startedAt: minutes(start), finishedAt: minutes(start + 2), status: "SUCCEEDED", phase: "SUCCEEDED",
        revision: `cfg-${start}`, images: [`registry/checkout-api:${start}`, "registry/envoy:1.30"], ...extra,
      },
    });
  const d1 = await deployment(app1.id, a.id, prod.id, r1.id, 10);
  const d2 = await deployment(app2.id, b.id, prod.id, r1.id, 12);
  const d3 = await deployment(app3.id, c.id, staging.id, r2.id, 70, { healthyAt: minutes(73) });
  const d4 = await deployment(app1.id, a.id, prod.id, r2.id, 80, { status: "ROLLED_BACK", initiatedBy: "alice" });
  const d5 = await deployment(app1.id, a.id, prod.id, r1.id, 90, { isRollback: true, initiatedBy: "bob" });
  await db.deployment.update({ where: { id: d4.id }, data: { rolledBackById: d5.id } });
  await db.deploymentEvent.createMany({ data: [{ deploymentId: d4.id, at: minutes(80), kind: "SYNC_STARTED" }, { deploymentId: d4.id, at: minutes(82), kind: "DEGRADED", detail: "pods crash" }] });
  const rollback = await db.rollback.create({
    data: { applicationId: app1.id, fromReleaseId: r2.id, toReleaseId: r1.id, fromDeploymentId: d4.id, method: "ARGOCD", state: "SUCCEEDED", reason: "crash loop", requestedBy: "bob", idempotencyKey: "rb-1", requestedAt: minutes(88) },
  });

  const commit = await db.commit.create({ data: { repository: "acme/checkout-api", sha: "b".repeat(40), message: "Fix totals\n\nbody", authorLogin: "alice", committedAt: minutes(50) } });
  const pr = await db.pullRequest.create({ data: { repository: "acme/checkout-api", number: 7, title: "Fix totals", state: "MERGED", ticketKeys: ["PAY-7"], openedAt: minutes(40), url: "https://github.com/acme/checkout-api/pull/7" } });
  await db.pullRequestCommit.create({ data: { pullRequestId: pr.id, commitId: commit.id } });
  await db.releaseCommit.create({ data: { releaseId: r2.id, commitId: commit.id } });

  ids = { r1: r1.id, r2: r2.id, r3: r3.id, app1: app1.id, app2: app2.id, app3: app3.id, d1: d1.id, d2: d2.id, d3: d3.id, d4: d4.id, d5: d5.id, rollback: rollback.id };
});

describe("getRelease", () => {
  it("answers null for an unknown id, and releaseExists agrees", async () => {
    expect(await getRelease(2_000_000_000)).toBeNull();
    expect(await releaseExists(2_000_000_000)).toBe(false);
    expect(await releaseExists(ids.r2)).toBe(true);
  });

  it("describes the release, its neighbours, its commits and the links out to GitHub", async () => {
    const release = (await getRelease(ids.r2))!;
    expect(releaseDetailSchema.parse(release)).toEqual(release);
    expect(release).toMatchObject({
      version: "1.1.0",
      service: { name: "checkout-api", repository: "acme/checkout-api", repositoryUrl: "https://github.com/acme/checkout-api", team: { slug: "payments", name: "Payments" } },
      commitUrl: `https://github.com/acme/checkout-api/commit/${"b".repeat(40)}`,
      previous: { id: ids.r1, version: "1.0.0" },
      next: { id: ids.r3, version: "1.2.0" },
      commitCount: 1,
      tickets: ["PAY-7"],
      authors: ["alice"],
      commitsIncompleteReason: null,
      deploymentCount: 2,
    });
    expect(release.commits).toEqual([
      expect.objectContaining({ sha: "b".repeat(40), pullRequests: [expect.objectContaining({ number: 7, url: "https://github.com/acme/checkout-api/pull/7", ticketKeys: ["PAY-7"] })] }),
    ]);
    // Images and config revisions of its deployments: deduplicated; revisions newest first.
    expect(release.images).toEqual(["registry/checkout-api:70", "registry/checkout-api:80", "registry/envoy:1.30"]);
    expect(release.revisions).toEqual(["cfg-80", "cfg-70"]);
    expect((await getRelease(ids.r1))!.previous).toBeNull();
    expect((await getRelease(ids.r3))!.next).toBeNull();
  });

  it("lists every application of the service with its deployments of the release, 'not yet' as none, removed ones that ran it", async () => {
    const release = (await getRelease(ids.r2))!;
    expect(release.rolloutApplicationCount).toBe(3);
    // By environment rank (staging before prod), then cluster.
    expect(release.rollout.map((entry) => [entry.application.name, entry.application.deleted, entry.deployments.map((deployment) => deployment.id)])).toEqual([
      ["checkout-api-staging-a", true, [ids.d3]],
      ["checkout-api-prod-a", false, [ids.d4]],
      ["checkout-api-prod-b", false, []],
    ]);
    const prodA = release.rollout[1]!;
    expect(prodA.application).toMatchObject({ environment: "prod", environmentIsProduction: true, cluster: "prod-a", argoInstance: "argocd-prod", argocdUrl: "https://argocd.example.com/applications/argocd/checkout-api-prod-a" });
    expect(prodA.current).toEqual({ id: ids.r1, version: "1.0.0" });
    expect(prodA.deployments[0]).toMatchObject({ status: "ROLLED_BACK", initiatedBy: "alice", rolledBackBy: { deploymentId: ids.d5, release: { id: ids.r1, version: "1.0.0" } }, rollsBack: null });
    expect(release.rollout[0]!.deployments[0]!.healthyAt).toEqual(minutes(73));

    // A removed application that never ran the release is not part of its rollout.
    const first = (await getRelease(ids.r1))!;
    expect(first.rollout.map((entry) => entry.application.name)).toEqual(["checkout-api-prod-a", "checkout-api-prod-b"]);
    expect(first.runningOn.map((application) => application.name)).toEqual(["checkout-api-prod-a", "checkout-api-prod-b"]);
  });

  it("links a rollback to the release it reverted, and lists Shiplog's rollback requests from or to it", async () => {
    const first = (await getRelease(ids.r1))!;
    const prodA = first.rollout.find((entry) => entry.application.id === ids.app1)!;
    expect(prodA.deployments.map((deployment) => [deployment.id, deployment.isRollback, deployment.rollsBack])).toEqual([
      [ids.d1, false, null],
      [ids.d5, true, { deploymentId: ids.d4, release: { id: ids.r2, version: "1.1.0" } }],
    ]);
    for (const id of [ids.r1, ids.r2]) {
      const release = (await getRelease(id))!;
      expect(release.rollbacks).toEqual([
        expect.objectContaining({ id: ids.rollback, state: "SUCCEEDED", fromRelease: { id: ids.r2, version: "1.1.0" }, toRelease: { id: ids.r1, version: "1.0.0" }, reason: "crash loop", application: expect.objectContaining({ cluster: "prod-a" }) }),
      ]);
    }
    expect((await getRelease(ids.r3))!.rollbacks).toEqual([]);
  });

  it("says why a release's commits are not known", async () => {
    await getDb().release.update({ where: { id: ids.r3 }, data: { commitsComplete: false, commitsIncompleteReason: "GitHub answered 404", commitsCheckedAt: minutes(200) } });
    expect(await getRelease(ids.r3)).toMatchObject({ commitsComplete: false, commitsIncompleteReason: "GitHub answered 404", commitsCheckedAt: minutes(200), commitCount: 0, commits: [] });
  });
});

describe("listReleasesAround", () => {
  it("lists the releases nearest one, newest first, at most `each` on either side", async () => {
    expect((await listReleasesAround(ids.r2)).map((release) => release.version)).toEqual(["1.2.0", "1.1.0", "1.0.0"]);
    expect((await listReleasesAround(ids.r1, 1)).map((release) => release.version)).toEqual(["1.1.0", "1.0.0"]);
    expect(await listReleasesAround(2_000_000_000)).toEqual([]);
  });
});
