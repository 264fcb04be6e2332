// GitHub deployments of a service Argo CD does not deploy: a success makes the deployed commit's
// release current in its environment, recording the release when none exists, in any arrival
// order. Deliveries go through the worker, built from GitHub's published payload examples.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { type CandidateRelease, githubReleaseChoice, releaseTagOf } from "@/lib/deployments/record-github-deployment";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";
import { deliveries, githubFixture, insertDelivery, type Json, quietLog, resetAll } from "../../support/deliveries";

const db = getDb();
const REPOSITORY = "Codertocat/Hello-World";
const A = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"; // the examples' commit
const B = "b".repeat(40);
const C = "c".repeat(40);
const t0 = new Date("2019-05-15T15:20:53Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

type Deployment = { id: number; sha: string; ref: string; environment: string; createdAt: Date };
type State = "pending" | "in_progress" | "success" | "failure" | "error" | "inactive";
type Delivery = { event: "deployment" | "deployment_status"; body: Json };

/** The `deployment` example, moved to this deployment. */
async function deploymentEvent(deployment: Deployment): Promise<Delivery> {
  const body = await githubFixture("deployment/payload.json");
  Object.assign(body.deployment, deploymentFields(deployment), { updated_at: deployment.createdAt.toISOString() });
  return { event: "deployment", body };
}

/** The `deployment_status` example (a success), moved to this deployment and state. */
async function statusEvent(deployment: Deployment, state: State, time: Date, description = ""): Promise<Delivery> {
  const body = await githubFixture("deployment_status/payload.json");
  Object.assign(body.deployment, deploymentFields(deployment), { updated_at: time.toISOString() });
  Object.assign(body.deployment_status, {
    state,
    description,
    environment: deployment.environment,
    created_at: time.toISOString(),
    updated_at: time.toISOString(),
  });
  return { event: "deployment_status", body };
}

const deploymentFields = (deployment: Deployment) => ({
  id: deployment.id,
  sha: deployment.sha,
  ref: deployment.ref,
  environment: deployment.environment,
  original_environment: deployment.environment,
  created_at: deployment.createdAt.toISOString(),
});

async function deliver(...batch: Delivery[]) {
  for (const delivery of batch) await insertDelivery({ source: "GITHUB", ...delivery });
  const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
  expect(summary.failed + summary.quarantined, JSON.stringify((await deliveries()).map((row) => row.lastError))).toBe(0);
}

/** What the pages read, without ids (they depend on arrival order). */
async function fleetRows() {
  const [applications, deployments, releases] = await Promise.all([
    db.application.findMany({
      orderBy: { name: "asc" },
      select: {
        name: true,
        syncStatus: true,
        healthStatus: true,
        syncedRevision: true,
        lastOperationPhase: true,
        lastOperationAt: true,
        currentRelease: { select: { version: true } },
        currentReleaseSince: true,
        lastDeployment: { select: { operationKey: true } },
      },
    }),
    db.deployment.findMany({
      orderBy: { operationKey: "asc" },
      select: { operationKey: true, phase: true, status: true, startedAt: true, finishedAt: true, revision: true, release: { select: { version: true } } },
    }),
    db.release.findMany({ orderBy: { version: "asc" }, select: { version: true, commitSha: true, firstSeenAt: true, image: true } }),
  ]);
  return { applications, deployments, releases };
}

const application = (name: string) =>
  db.application.findFirstOrThrow({ where: { name }, include: { currentRelease: true } });

/** The commits, as a push would have stored them: "where is commit X" starts from a stored commit. */
async function storeCommits() {
  for (const [index, sha] of [A, B, C].entries()) {
    await db.commit.create({
      data: {
        repository: REPOSITORY,
        sha,
        parentShas: index === 0 ? [] : [[A, B][index - 1]!],
        parentsExact: true,
        message: `change ${index}`,
        committedAt: at(-60 + index),
      },
    });
  }
}

beforeEach(() => resetAll());

describe("releaseTagOf", () => {
  it("reads a version-shaped ref or refs/tags/… as a tag; branches and SHAs are none", () => {
    expect(["v1.2.3", "1.4.0-rc.1", "2024.06.01", "refs/tags/v2.0.0", "refs/tags/spring-release"].map(releaseTagOf)).toEqual([
      "v1.2.3",
      "1.4.0-rc.1",
      "2024.06.01",
      "v2.0.0",
      "spring-release",
    ]);
    expect(["main", "master", "gh-pages", "v1", "release-1.2", "refs/heads/v1.2.3", A, A.slice(0, 7), "", null].map(releaseTagOf)).toEqual(
      Array(10).fill(null),
    );
  });
});

describe("githubReleaseChoice", () => {
  const release = (fields: Partial<CandidateRelease>): CandidateRelease => ({
    id: 1,
    version: "1.0.0",
    commitSha: A,
    image: "ghcr.io/acme/hello",
    firstSeenAt: at(0),
    ...fields,
  });

  it("no release yet: the tag, else the short SHA", () => {
    expect(githubReleaseChoice([], A, "v1.0.0")).toEqual({ kind: "record", version: "v1.0.0" });
    expect(githubReleaseChoice([], A, "main")).toEqual({ kind: "record", version: "f95f852bd8fc" });
  });

  it("the release GitHub recorded for the commit, the earliest seen first; never an image's", () => {
    const argo = release({ id: 7, version: "1.0.0", firstSeenAt: at(0) });
    const github = release({ id: 8, version: "0.9.9", image: null, firstSeenAt: at(5) });
    const earlier = release({ id: 9, version: "0.9.8", image: null, firstSeenAt: at(1) });
    expect(githubReleaseChoice([argo, github, earlier], A, "v1.0.0")).toEqual({ kind: "existing", release: earlier, renameTo: null });
    expect(githubReleaseChoice([argo], A, "v1.0.0")).toEqual({ kind: "record", version: "v1.0.0" });
    expect(githubReleaseChoice([release({ version: "v1.0.0" })], A, "v1.0.0")).toEqual({ kind: "record", version: "v1.0.0" });
  });

  it("a name another commit's release holds is skipped; one without a commit is taken", () => {
    const other = release({ version: "v1.0.0", commitSha: B });
    expect(githubReleaseChoice([other], A, "v1.0.0")).toEqual({ kind: "record", version: "f95f852bd8fc" });
    expect(githubReleaseChoice([release({ version: "v1.0.0", commitSha: null })], A, "v1.0.0")).toEqual({ kind: "record", version: "v1.0.0" });
    const both = [other, release({ id: 2, version: "f95f852bd8fc", commitSha: C })];
    expect(githubReleaseChoice(both, A, "v1.0.0")).toEqual({ kind: "record", version: A });
  });

  it("a release GitHub named after the short SHA takes a tag; of two tags the lower-sorting one stays", () => {
    const bySha = release({ version: "f95f852bd8fc", image: null });
    expect(githubReleaseChoice([bySha], A, "v1.0.0")).toMatchObject({ kind: "existing", renameTo: "v1.0.0" });
    const rc = release({ version: "v1.0.0-rc.1", image: null });
    expect(githubReleaseChoice([rc], A, "v1.0.0")).toMatchObject({ kind: "existing", renameTo: "v1.0.0" });
    const final = release({ version: "v1.0.0", image: null });
    expect(githubReleaseChoice([final], A, "v1.0.0-rc.1")).toMatchObject({ kind: "existing", renameTo: null });
    // Argo CD's releases (an image) are neither renamed nor reused; a taken name is not taken twice.
    expect(githubReleaseChoice([release({ version: "sha-f95f852" })], A, "v1.0.0")).toEqual({ kind: "record", version: "v1.0.0" });
    expect(githubReleaseChoice([bySha, release({ id: 2, version: "v1.0.0", commitSha: B })], A, "v1.0.0")).toMatchObject({ renameTo: null });
  });
});

describe("recordGithubDeployment: the deployed commit's release", () => {
  const production: Deployment = { id: 145988746, sha: A, ref: "master", environment: "production", createdAt: t0 };
  const succeededAt = new Date("2019-05-15T15:20:55Z");

  it("deployment then success, success then deployment, duplicated: the same rows; the commit runs in production since the success", async () => {
    const created = await deploymentEvent(production);
    const success = await statusEvent(production, "success", succeededAt);
    const orders = [[created, success], [success, created], [success, created, success, created, success]];
    const results = [];
    for (const order of orders) {
      await resetAll();
      await storeCommits();
      await deliver(...order);
      results.push(await fleetRows());
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);

    expect(results[0]!.releases).toEqual([{ version: "f95f852bd8fc", commitSha: A, firstSeenAt: t0, image: null }]);
    expect(results[0]!.deployments).toEqual([
      expect.objectContaining({ operationKey: "github:145988746", status: "SUCCEEDED", release: { version: "f95f852bd8fc" } }),
    ]);
    expect(await application("production")).toMatchObject({
      currentRelease: { version: "f95f852bd8fc", commitSha: A },
      currentReleaseSince: succeededAt,
      syncedRevision: A,
    });
    const [location] = await findCommitLocations(db, { kind: "sha", prefix: A });
    expect(location!.services).toEqual([
      expect.objectContaining({
        service: expect.objectContaining({ name: "Hello-World" }),
        firstRelease: expect.objectContaining({ version: "f95f852bd8fc" }),
        applications: [
          expect.objectContaining({
            environment: "production",
            currentRelease: expect.objectContaining({ version: "f95f852bd8fc" }),
            contains: true,
            since: succeededAt,
          }),
        ],
      }),
    ]);
  });

  it("GitHub's example pair as published: the `deployment` example, then the `deployment_status` success", async () => {
    await deliver(
      { event: "deployment", body: await githubFixture("deployment/payload.json") },
      { event: "deployment_status", body: await githubFixture("deployment_status/payload.json") },
    );
    expect(await application("production")).toMatchObject({ currentRelease: { version: "f95f852bd8fc" }, currentReleaseSince: succeededAt });
  });

  it("a running or waiting deployment records no release and changes nothing that runs", async () => {
    await deliver(await deploymentEvent(production), await statusEvent(production, "in_progress", at(1)));
    expect(await db.release.count()).toBe(0);
    expect(await application("production")).toMatchObject({ currentReleaseId: null, currentReleaseSince: null, healthStatus: "PROGRESSING" });
  });

  it("a version tag names the release; `main` to staging and the tag to production, in either order, are one release named after the tag", async () => {
    const staging: Deployment = { id: 1, sha: A, ref: "main", environment: "staging", createdAt: at(0) };
    const tagged: Deployment = { id: 2, sha: A, ref: "v1.0.0", environment: "production", createdAt: at(30) };
    const stagingUp = await statusEvent(staging, "success", at(2));
    const productionUp = await statusEvent(tagged, "success", at(32));
    const results = [];
    for (const order of [[stagingUp, productionUp], [productionUp, stagingUp]]) {
      await resetAll();
      await deliver(...order);
      results.push(await fleetRows());
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]!.releases).toEqual([{ version: "v1.0.0", commitSha: A, firstSeenAt: at(0), image: null }]);
    expect(results[0]!.applications.map((app) => [app.name, app.currentRelease?.version, app.currentReleaseSince])).toEqual([
      ["production", "v1.0.0", at(32)],
      ["staging", "v1.0.0", at(2)],
    ]);
  });

  it("names its own release beside Argo CD's of the same commit, so arrival order decides nothing", async () => {
    const service = await db.service.create({ data: { name: "hello-world", repository: REPOSITORY } });
    const argo = await db.release.create({
      data: { serviceId: service.id, version: "1.0.0", firstSeenAt: at(60), commitSha: A, image: "ghcr.io/codertocat/hello", imageTag: "1.0.0" },
    });
    await deliver(await statusEvent({ ...production, ref: "v1.0.0" }, "success", succeededAt));
    const releases = await db.release.findMany({ orderBy: { version: "asc" } });
    expect(releases).toEqual([
      expect.objectContaining({ id: argo.id, version: "1.0.0", firstSeenAt: at(60) }),
      expect.objectContaining({ version: "v1.0.0", commitSha: A, image: null, firstSeenAt: t0 }),
    ]);
    expect(await application("production")).toMatchObject({ currentReleaseId: releases[1]!.id, currentReleaseSince: succeededAt });
  });

  it("shares a release Argo CD named the same for the same commit", async () => {
    const service = await db.service.create({ data: { name: "hello-world", repository: REPOSITORY } });
    const argo = await db.release.create({
      data: { serviceId: service.id, version: "v1.0.0", firstSeenAt: at(60), commitSha: A, image: "ghcr.io/codertocat/hello", imageTag: "v1.0.0" },
    });
    await deliver(await statusEvent({ ...production, ref: "v1.0.0" }, "success", succeededAt));
    expect(await db.release.findMany()).toEqual([expect.objectContaining({ id: argo.id, version: "v1.0.0", firstSeenAt: t0 })]);
    expect(await application("production")).toMatchObject({ currentReleaseId: argo.id });
  });

  it("a release of the tag's name without a known commit learns it", async () => {
    const service = await db.service.create({ data: { name: "hello-world", repository: REPOSITORY } });
    const argo = await db.release.create({
      data: { serviceId: service.id, version: "v1.0.0", firstSeenAt: at(60), image: "ghcr.io/codertocat/hello", imageTag: "v1.0.0" },
    });
    await deliver(await statusEvent({ ...production, ref: "v1.0.0" }, "success", succeededAt));
    expect(await db.release.findMany()).toEqual([expect.objectContaining({ id: argo.id, commitSha: A, firstSeenAt: t0 })]);
    expect(await application("production")).toMatchObject({ currentReleaseId: argo.id });
  });

  it("a failed or errored deployment after a success leaves the release that runs", async () => {
    const good = production;
    const failed: Deployment = { id: 2, sha: B, ref: "main", environment: "production", createdAt: at(60) };
    const errored: Deployment = { id: 3, sha: C, ref: "main", environment: "production", createdAt: at(120) };
    await deliver(
      await statusEvent(good, "success", succeededAt),
      await statusEvent(failed, "failure", at(61), "health check failed"),
      await statusEvent(errored, "error", at(121)),
    );
    expect(await application("production")).toMatchObject({
      currentRelease: { commitSha: A },
      currentReleaseSince: succeededAt,
      syncedRevision: A,
      syncStatus: "OUT_OF_SYNC",
      lastOperationPhase: "ERROR",
    });
    // What never ran is no release.
    expect((await db.release.findMany()).map((release) => release.commitSha)).toEqual([A]);
  });

  it("an older success arriving late does not replace the newer one", async () => {
    const older: Deployment = { id: 1, sha: A, ref: "main", environment: "production", createdAt: at(0) };
    const newer: Deployment = { id: 2, sha: B, ref: "main", environment: "production", createdAt: at(60) };
    const inOrder = [await statusEvent(older, "success", at(2)), await statusEvent(newer, "success", at(62))];
    await deliver(...inOrder);
    const expected = await fleetRows();
    await resetAll();
    await deliver(inOrder[1]!, inOrder[0]!);
    expect(await fleetRows()).toEqual(expected);
    expect(await application("production")).toMatchObject({ currentRelease: { commitSha: B }, currentReleaseSince: at(62) });
  });

  it("a redeploy of the running commit keeps the time it has run since", async () => {
    const first: Deployment = { id: 1, sha: A, ref: "main", environment: "production", createdAt: at(0) };
    const again: Deployment = { id: 2, sha: A, ref: "main", environment: "production", createdAt: at(60) };
    await deliver(await statusEvent(first, "success", at(2)), await statusEvent(again, "success", at(62)));
    expect(await application("production")).toMatchObject({ currentReleaseSince: at(2) });
  });

  it("deployments of the commit seen before its release existed are given it", async () => {
    const failedInStaging: Deployment = { id: 1, sha: A, ref: "main", environment: "staging", createdAt: at(0) };
    const waiting: Deployment = { id: 2, sha: A, ref: "main", environment: "qa", createdAt: at(1) };
    await deliver(await statusEvent(failedInStaging, "failure", at(2)), await deploymentEvent(waiting));
    expect(await db.deployment.count({ where: { releaseId: { not: null } } })).toBe(0);
    await deliver(await statusEvent(production, "success", succeededAt));
    const rows = await fleetRows();
    expect(rows.deployments.map((row) => [row.operationKey, row.release?.version])).toEqual([
      ["github:1", "f95f852bd8fc"],
      ["github:145988746", "f95f852bd8fc"],
      ["github:2", "f95f852bd8fc"],
    ]);
    // Neither ran: what runs there is unchanged.
    expect(rows.applications.map((app) => [app.name, app.currentRelease?.version ?? null])).toEqual([
      ["production", "f95f852bd8fc"],
      ["qa", null],
      ["staging", null],
    ]);
  });
});

describe("recordGithubDeployment: any arrival order converges", () => {
  // Two environments over an hour: A from `main` to staging and as v1.0.0 to production, B fails
  // in production and succeeds in staging (then replaced: inactive), C as v1.1.0 to staging.
  const history: [Deployment, [State, number][]][] = [
    [{ id: 1, sha: A, ref: "main", environment: "staging", createdAt: at(0) }, [["in_progress", 1], ["success", 2]]],
    [{ id: 2, sha: A, ref: "v1.0.0", environment: "production", createdAt: at(10) }, [["success", 12]]],
    [{ id: 3, sha: B, ref: "main", environment: "production", createdAt: at(20) }, [["in_progress", 21], ["failure", 22]]],
    [{ id: 4, sha: B, ref: "main", environment: "staging", createdAt: at(30) }, [["success", 32], ["inactive", 42]]],
    [{ id: 5, sha: C, ref: "v1.1.0", environment: "staging", createdAt: at(40) }, [["success", 42]]],
  ];

  async function events(): Promise<Delivery[]> {
    const all: Delivery[] = [];
    for (const [deployment, statuses] of history) {
      all.push(await deploymentEvent(deployment));
      for (const [state, minute] of statuses) all.push(await statusEvent(deployment, state, at(minute)));
    }
    return all;
  }

  async function replay(batch: Delivery[]) {
    await resetAll();
    await deliver(...batch);
    return fleetRows();
  }

  it("in order: what runs where, and the releases", async () => {
    const rows = await replay(await events());
    expect(rows.releases.map((release) => [release.version, release.commitSha, release.firstSeenAt])).toEqual([
      ["bbbbbbbbbbbb", B, at(30)],
      ["v1.0.0", A, at(0)],
      ["v1.1.0", C, at(40)],
    ]);
    expect(rows.applications.map((app) => [app.name, app.currentRelease?.version, app.currentReleaseSince, app.lastOperationPhase])).toEqual([
      ["production", "v1.0.0", at(12), "FAILED"],
      ["staging", "v1.1.0", at(42), "SUCCEEDED"],
    ]);
    // The failure in production is B's release too (recorded when B succeeded in staging).
    expect(rows.deployments.find((row) => row.operationKey === "github:3")?.release).toEqual({ version: "bbbbbbbbbbbb" });
  });

  const runs = Number(process.env.PROPERTY_RUNS ?? 20);
  it(`writes the same rows for ${runs} shuffled deliveries with duplicates`, async () => {
    const all = await events();
    const expected = await replay(all);
    const positions = all.map((_, index) => index);
    const orders = fc
      .tuple(
        fc.shuffledSubarray(positions, { minLength: positions.length, maxLength: positions.length }),
        fc.array(fc.constantFrom(...positions), { maxLength: 4 }),
      )
      .chain(([shuffled, duplicates]) => {
        const withDuplicates = [...shuffled, ...duplicates];
        return fc.shuffledSubarray(withDuplicates, { minLength: withDuplicates.length, maxLength: withDuplicates.length });
      });
    await fc.assert(
      fc.asyncProperty(orders, async (order) => {
        expect(await replay(order.map((index) => all[index]!))).toEqual(expected);
      }),
      { numRuns: runs, seed: 20190515 },
    );
  }, 600_000);
});
