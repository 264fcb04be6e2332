// Argo CD notifications through the worker: the real Application object, varied into the
// notifications one sync sends (running → succeeded → degraded → healthy) on three clusters.
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { dumpFleet } from "../../../support/dump-fleet";
import { argocdFixture, argocdNotification, deliveries, insertDelivery, type Json, quietLog, resetAll } from "../../../support/deliveries";

const db = getDb();
const drain = (concurrency = 1) => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), concurrency });
const real = await argocdFixture();
const image = (tag: string) => `europe-west1-docker.pkg.dev/foo/images/velero:${tag}`;
const iso = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000).toISOString();

const clusters = ["gke-alpha-01-europe-west1", "gke-beta-02-europe-west4", "eks-gamma-03-eu-central-1"];
const t0 = new Date("2026-03-10T09:00:00Z");

type Step = "running" | "succeeded" | "degraded" | "healthy";
const EVENTS: Record<Step, string> = {
  running: "on-sync-running",
  succeeded: "on-sync-succeeded",
  degraded: "on-health-degraded",
  healthy: "on-deployed",
};

/**
 * The fixture's Application as Argo CD reports it at one step of a sync of v1.14.0 (replacing
 * v1.13.0) to one cluster: an ApplicationSet-generated copy per cluster.
 */
function applicationAt(cluster: string, step: Step, startedAt: Date): Json {
  const app = structuredClone(real);
  app.metadata.name = `velero-test-${cluster}`;
  app.metadata.uid = `uid-${cluster}`;
  app.metadata.labels.cluster_name = cluster;
  app.spec.destination.name = cluster;
  const revision = "c0ffee0000000000000000000000000000000001";
  const finishedAt = iso(startedAt, 120);
  const state = app.status.operationState;
  state.startedAt = startedAt.toISOString();
  state.operation.sync.revision = revision;
  state.operation.initiatedBy = { username: "alice@acme.dev" };
  if (step === "running") {
    state.phase = "Running";
    state.message = "waiting for healthy state of apps/Deployment/velero";
    delete state.finishedAt;
    delete state.syncResult;
    app.status.sync.status = "OutOfSync";
    app.status.health.status = "Progressing";
    app.status.summary.images = [image("v1.13.0")];
    app.status.reconciledAt = iso(startedAt, 5);
  } else {
    state.phase = "Succeeded";
    state.message = "successfully synced (all tasks run)";
    state.finishedAt = finishedAt;
    state.syncResult.revision = revision;
    app.status.sync = { ...app.status.sync, status: "Synced", revision };
    app.status.summary.images = [image("v1.14.0")];
    app.status.history.push({ ...app.status.history.at(-1), id: 24, revision, deployStartedAt: state.startedAt, deployedAt: finishedAt });
    const seconds = { succeeded: 120, degraded: 180, healthy: 240 }[step];
    app.status.health = step === "degraded" ? { status: "Degraded", message: "Deployment has exceeded its progress deadline" } : { status: step === "healthy" ? "Healthy" : "Progressing" };
    app.status.reconciledAt = iso(startedAt, seconds);
  }
  return app;
}

/** The twelve notifications: each cluster's sync, ten minutes after the previous cluster's. */
function rolloutNotifications(): { cluster: string; step: Step; body: Json }[] {
  return clusters.flatMap((cluster, index) =>
    (["running", "succeeded", "degraded", "healthy"] as const).map((step) => ({
      cluster,
      step,
      body: argocdNotification(applicationAt(cluster, step, new Date(t0.getTime() + index * 600_000)), EVENTS[step], "prod-eu"),
    })),
  );
}

beforeEach(() => resetAll());

describe("a sync of v1.14.0 to three clusters", () => {
  it("running → succeeded → degraded → healthy: one succeeded deployment per cluster, each application healthy on v1.14.0", async () => {
    for (const notification of rolloutNotifications()) await insertDelivery({ source: "ARGOCD", event: notification.body.event, body: notification.body });
    const summary = await drain();
    expect(summary).toEqual({ processed: 12, ignored: 0, failed: 0, quarantined: 0 });

    const deployments = await db.deployment.findMany({
      orderBy: { startedAt: "asc" },
      include: { release: true, cluster: true, environment: true, service: true, events: { orderBy: [{ at: "asc" }, { kind: "asc" }] } },
    });
    expect(deployments).toHaveLength(3);
    deployments.forEach((deployment, index) => {
      const startedAt = new Date(t0.getTime() + index * 600_000);
      expect(deployment).toMatchObject({
        source: "ARGOCD",
        operationKey: startedAt.toISOString(),
        cluster: { name: clusters[index] },
        environment: { name: "test" },
        service: { name: "velero" },
        release: { version: "v1.14.0", image: "europe-west1-docker.pkg.dev/foo/images/velero" },
        phase: "SUCCEEDED",
        status: "SUCCEEDED",
        revision: "c0ffee0000000000000000000000000000000001",
        images: [image("v1.14.0")],
        initiatedBy: "alice@acme.dev",
        argoHistoryId: 24,
        startedAt,
        finishedAt: new Date(iso(startedAt, 120)),
        degradedAt: new Date(iso(startedAt, 180)),
        healthyAt: new Date(iso(startedAt, 240)),
        lastHealth: "HEALTHY",
      });
      expect(deployment.events.map((event) => [event.kind, (event.at.getTime() - startedAt.getTime()) / 1000])).toEqual([
        ["sync-running", 0],
        ["health-progressing", 120],
        ["sync-succeeded", 120],
        ["health-degraded", 180],
        ["health-healthy", 240],
      ]);
    });

    const applications = await db.application.findMany({ orderBy: { name: "asc" }, include: { currentRelease: true, lastDeployment: true, argoInstance: true } });
    expect(applications).toHaveLength(3);
    for (const application of applications) {
      expect(application).toMatchObject({
        argoInstance: { name: "prod-eu" },
        namespace: "argo-cd",
        healthStatus: "HEALTHY",
        syncStatus: "SYNCED",
        syncedRevision: "c0ffee0000000000000000000000000000000001",
        images: [image("v1.14.0")],
        currentRelease: { version: "v1.14.0" },
        lastOperationPhase: "SUCCEEDED",
        deletedAt: null,
      });
      expect(application.lastDeployment?.id).toBeDefined();
    }
    // v1.13.0 as the release running before the sync, v1.14.0 as the one it deployed.
    expect((await db.release.findMany({ orderBy: { version: "asc" } })).map((release) => release.version)).toEqual(["v1.13.0", "v1.14.0"]);
  });

  it("midway (running on one cluster, degraded on another): each application shows its own state", async () => {
    const notifications = rolloutNotifications();
    const pick = (cluster: number, step: Step) => notifications.find((n) => n.cluster === clusters[cluster] && n.step === step)!.body;
    await insertDelivery({ source: "ARGOCD", event: "on-sync-running", body: pick(0, "running") });
    await insertDelivery({ source: "ARGOCD", event: "on-sync-running", body: pick(1, "running") });
    await insertDelivery({ source: "ARGOCD", event: "on-sync-succeeded", body: pick(1, "succeeded") });
    await insertDelivery({ source: "ARGOCD", event: "on-health-degraded", body: pick(1, "degraded") });
    await drain();
    const state = Object.fromEntries(
      (await db.application.findMany({ include: { lastDeployment: true, currentRelease: true } })).map((app) => [
        app.name.replace("velero-test-", ""),
        [app.healthStatus, app.syncStatus, app.lastDeployment?.status, app.currentRelease?.version ?? null],
      ]),
    );
    expect(state).toEqual({
      // While the sync runs, the release it replaces is what runs.
      [clusters[0]!]: ["PROGRESSING", "OUT_OF_SYNC", "RUNNING", "v1.13.0"],
      [clusters[1]!]: ["DEGRADED", "SYNCED", "DEGRADED", "v1.14.0"],
    });
  });

  it("received in any order, with redeliveries, the worker converges on the same fleet", async () => {
    // Each cluster was first seen running v1.13.0 (its sync a day earlier). Without that, which
    // releases exist would depend on arrival order: the domain core records the release a running
    // sync replaces only when that snapshot is the newest one at its arrival.
    const previous = clusters.map((cluster) => {
      const app = applicationAt(cluster, "healthy", new Date(t0.getTime() - 86_400_000));
      app.status.summary.images = [image("v1.13.0")];
      return { cluster, step: "healthy" as const, body: argocdNotification(app, "on-deployed", "prod-eu") };
    });
    const notifications = [...previous, ...rolloutNotifications()];
    for (const notification of notifications) await insertDelivery({ source: "ARGOCD", event: notification.body.event, body: notification.body });
    await drain();
    const inOrder = await dumpFleet(databaseUrl());
    expect(inOrder.deployments).toHaveLength(6);

    for (const seed of [1, 2, 3]) {
      await resetAll();
      // A shuffled arrival, every notification twice (Argo CD retries, redeliveries).
      const arrivals = shuffled([...notifications, ...notifications], seed);
      const base = Date.now();
      for (const [index, notification] of arrivals.entries()) {
        await insertDelivery({ source: "ARGOCD", event: notification.body.event, body: notification.body, receivedAt: new Date(base + index) });
      }
      const summary = await drain(4);
      expect(summary.failed + summary.quarantined).toBe(0);
      expect(await dumpFleet(databaseUrl())).toEqual(inOrder);
    }
  });
});

describe("deleted applications", () => {
  it("on-deleted with the object: recorded, then marked deleted at its deletionTimestamp", async () => {
    const app = applicationAt(clusters[0]!, "healthy", t0);
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(app, "on-deployed", "prod-eu") });
    const deleting = structuredClone(app);
    deleting.metadata.deletionTimestamp = iso(t0, 3600);
    await insertDelivery({ source: "ARGOCD", event: "on-deleted", body: argocdNotification(deleting, "on-deleted", "prod-eu") });
    await drain();
    expect(await db.application.findFirstOrThrow()).toMatchObject({ deletedAt: new Date(iso(t0, 3600)) });
    expect(await db.deployment.count()).toBe(1);
  });

  it("the poller's on-deleted (metadata only) marks the known application; an unknown one is ignored", async () => {
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(applicationAt(clusters[0]!, "healthy", t0), "on-deployed", "prod-eu") });
    const metadataOnly = (name: string) =>
      argocdNotification({ metadata: { name, namespace: "argo-cd", uid: `uid-${clusters[0]}`, deletionTimestamp: iso(t0, 7200) } }, "on-deleted", "prod-eu");
    await insertDelivery({ source: "ARGOCD", event: "on-deleted", body: metadataOnly(`velero-test-${clusters[0]}`) });
    await insertDelivery({ source: "ARGOCD", event: "on-deleted", body: metadataOnly("never-seen") });
    await drain();
    expect((await deliveries()).map((row) => row.status)).toEqual(["PROCESSED", "PROCESSED", "IGNORED"]);
    expect(await db.application.findFirstOrThrow()).toMatchObject({ deletedAt: new Date(iso(t0, 7200)) });
  });

  it("a deletion older than the newest observation (the application was recreated) changes nothing", async () => {
    const recreated = applicationAt(clusters[0]!, "healthy", t0);
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(recreated, "on-deployed", "prod-eu") });
    const late = argocdNotification({ metadata: { name: recreated.metadata.name, namespace: "argo-cd", deletionTimestamp: iso(t0, -3600) } }, "on-deleted", "prod-eu");
    await insertDelivery({ source: "ARGOCD", event: "on-deleted", body: late });
    await drain();
    expect(await db.application.findFirstOrThrow()).toMatchObject({ deletedAt: null });
  });
});

describe("unusable notifications", () => {
  it("an Application without spec is set aside at once, naming what is missing, and holds nothing back", async () => {
    const broken = structuredClone(real);
    delete broken.spec;
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(broken) });
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(structuredClone(real)) });
    await drain();
    const [first, second] = await deliveries();
    expect(first).toMatchObject({ status: "QUARANTINED", attempts: 1 });
    expect(first!.lastError).toMatch(/^invalid Argo CD Application \(body\.app\): spec: /);
    expect(second).toMatchObject({ status: "PROCESSED" });
  });

  it("a body that is not JSON is set aside with the parser's reason", async () => {
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: "{not json", orderingKey: "prod-eu/argo-cd/x" });
    await drain();
    expect((await deliveries())[0]).toMatchObject({ status: "QUARANTINED", lastError: expect.stringMatching(/^the body is not JSON: /) });
  });
});

/** A deterministic shuffle (mulberry32), so a failure names a reproducible order. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
