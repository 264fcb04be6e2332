// Replays: re-queuing deliveries, and rebuilding every projection from webhook_deliveries.
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import {
  KEPT_TABLES,
  PROJECTION_TABLES,
  TRIGGER_EMPTIED_PROJECTIONS,
  rebuildProjections,
  RebuildRefusedError,
  replayDeliveries,
  replayDelivery,
} from "@/lib/ingest/replay/replay-deliveries";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { dumpFleet } from "../../../support/dump-fleet";
import { argocdFixture, argocdNotification, deliveries, githubFixture, insertDelivery, type Json, quietLog, resetAll } from "../../../support/deliveries";
import { fluxEvent } from "../../../support/flux-examples";

const db = getDb();
const drain = (concurrency = 1) => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), concurrency });
const real = await argocdFixture();
const t0 = new Date("2026-03-10T09:00:00Z");
const iso = (seconds: number) => new Date(t0.getTime() + seconds * 1000).toISOString();
const velero = (tag: string) => `europe-west1-docker.pkg.dev/foo/images/velero:${tag}`;
const sha = (n: number) => n.toString(16).padStart(40, "a");

/** The fixture's application on `cluster`, synced to `tag` at `start` (seconds after t0), at `step`. */
function veleroApp(cluster: string, tag: string, start: number, step: "running" | "healthy", historyId: number): Json {
  const app = structuredClone(real);
  app.metadata.name = `velero-test-${cluster}`;
  app.metadata.labels = { ...app.metadata.labels, cluster_name: cluster, "shiplog.io/repository": "foo.velero", team: "sre" };
  app.spec.destination.name = cluster;
  const state = app.status.operationState;
  state.startedAt = iso(start);
  state.operation.sync.revision = sha(start);
  if (step === "running") {
    state.phase = "Running";
    delete state.finishedAt;
    delete state.syncResult;
    app.status.health = { status: "Progressing" };
    app.status.reconciledAt = iso(start + 5);
  } else {
    state.finishedAt = iso(start + 60);
    state.syncResult.revision = sha(start);
    app.status.summary.images = [velero(tag)];
    app.status.sync.revision = sha(start);
    app.status.history.push({ ...app.status.history.at(-1), id: historyId, revision: sha(start), deployStartedAt: iso(start), deployedAt: iso(start + 60) });
    app.status.reconciledAt = iso(start + 120);
  }
  return app;
}

/** A fleet's worth of deliveries of every kind, in the order they arrived. */
async function storeHistory(): Promise<void> {
  const newBranch = await githubFixture("push/with-new-branch.payload.json");
  const push = (index: number) => {
    const body = structuredClone(newBranch);
    body.repository.full_name = "foo/velero";
    body.before = index === 0 ? "0".repeat(40) : sha(index - 1);
    body.after = sha(index);
    body.created = index === 0;
    body.commits = [{ ...body.commits[0], id: sha(index), message: `PAY-${index}: change ${index}`, timestamp: iso(index * 10) }];
    return body;
  };
  const build = (tag: string, commit: number) => ({
    repository: "foo/velero",
    commitSha: sha(commit),
    image: "europe-west1-docker.pkg.dev/foo/images/velero",
    tag,
    builtAt: iso(commit * 10 + 5),
  });
  const clusters = ["gke-alpha-01-europe-west1", "gke-beta-02-europe-west4", "eks-gamma-03-eu-central-1"];
  const merged = await githubFixture("pull_request/closed.payload.json");
  merged.repository.full_name = "foo/velero";
  merged.pull_request.merged = true;
  merged.pull_request.merged_at = merged.pull_request.closed_at;
  merged.pull_request.merge_commit_sha = sha(3);

  // velero's CLI, which no Argo CD deploys: shipped to a bucket per region by a deployer.
  const cli = (region: string, id: string, version: string, commit: number, start: number, status: string) => ({
    source: "DEPLOYER" as const,
    event: "deployment",
    body: {
      schemaVersion: "v1",
      deploymentId: id,
      service: "velero-cli",
      environment: "production",
      target: { region, function: "cli-download" },
      repository: "foo/velero",
      version,
      commitSha: sha(commit),
      status,
      startedAt: iso(start),
      ...(status === "started" ? {} : { finishedAt: iso(start + 30) }),
      by: "release-bot",
    },
  });

  // velero's docs site, which Flux reconciles on one cluster from the same repository.
  const docs = (commit: number, seconds: number, reason: string, severity: "info" | "error") => ({
    source: "FLUX" as const,
    event: reason,
    body: fluxEvent({ name: "velero-docs", namespace: "docs", severity, reason, message: `${reason} ${commit}`, timestamp: iso(seconds), metadata: { revision: `main@sha1:${sha(commit)}`, cluster: "gke-docs", env: "production", "shiplog.io/repository": "foo/velero" } }),
  });

  const stream: { source: "ARGOCD" | "GITHUB" | "BUILD" | "DEPLOYER" | "FLUX"; event: string; body: Json }[] = [
    { source: "GITHUB", event: "ping", body: await githubFixture("ping/payload.json") },
    ...[0, 1, 2].map((index) => ({ source: "GITHUB" as const, event: "push", body: push(index) })),
    { source: "BUILD", event: "build", body: build("v1.13.0", 2) },
    ...clusters.flatMap((cluster, index) => [
      { source: "ARGOCD" as const, event: "on-sync-running", body: argocdNotification(veleroApp(cluster, "v1.13.0", 600 + index * 60, "running", 30)) },
      { source: "ARGOCD" as const, event: "on-deployed", body: argocdNotification(veleroApp(cluster, "v1.13.0", 600 + index * 60, "healthy", 30)) },
    ]),
    cli("eu-west-1", "cli-1", "v1.13.0", 2, 900, "succeeded"),
    docs(2, 905, "ReconciliationSucceeded", "info"),
    docs(5, 3700, "HealthCheckFailed", "error"),
    docs(5, 3650, "Progressing", "info"),
    cli("us-east-1", "cli-2", "v1.13.0", 2, 960, "started"),
    ...[3, 4, 5].map((index) => ({ source: "GITHUB" as const, event: "push", body: push(index) })),
    cli("us-east-1", "cli-2", "v1.13.0", 2, 960, "succeeded"),
    { source: "GITHUB", event: "pull_request", body: merged },
    { source: "BUILD", event: "build", body: build("v1.14.0", 5) },
    { source: "GITHUB", event: "registry_package", body: await githubFixture("registry_package/published.docker.payload.json") },
    { source: "GITHUB", event: "workflow_run", body: await githubFixture("workflow_run/completed.payload.json") },
    { source: "GITHUB", event: "deployment", body: await githubFixture("deployment/payload.json") },
    { source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/payload.json") },
    ...clusters.flatMap((cluster, index) => [
      { source: "ARGOCD" as const, event: "on-sync-running", body: argocdNotification(veleroApp(cluster, "v1.14.0", 3600 + index * 60, "running", 31)) },
      { source: "ARGOCD" as const, event: "on-deployed", body: argocdNotification(veleroApp(cluster, "v1.14.0", 3600 + index * 60, "healthy", 31)) },
    ]),
    // A rollback on one cluster.
    { source: "ARGOCD", event: "on-deployed", body: argocdNotification(veleroApp(clusters[0]!, "v1.13.0", 7200, "healthy", 32)) },
    { source: "GITHUB", event: "release", body: await githubFixture("release/published.payload.json") },
    cli("eu-west-1", "cli-3", "v1.14.0", 5, 7300, "rolled_back"),
    cli("us-east-1", "cli-4", "v1.14.0", 5, 7320, "succeeded"),
  ];
  const base = Date.now() - 60_000;
  for (const [index, delivery] of stream.entries()) await insertDelivery({ ...delivery, receivedAt: new Date(base + index * 10) });
}

beforeEach(() => resetAll());

describe("rebuildProjections", () => {
  it("empties the projections and reproduces them exactly from the stored deliveries", async () => {
    await storeHistory();
    // Live processing: four slots, keys interleaved.
    const live = await drain(4);
    expect(live.failed + live.quarantined).toBe(0);
    const before = await dumpFleet(databaseUrl());
    const statuses = (await deliveries()).map((row) => [row.deliveryId, row.status]);
    // The history exercised the model: releases with commit ranges, a rollback, a merged pull request.
    expect(before.release_commits!.length).toBeGreaterThan(2);
    expect(before.deployments!.some((row) => JSON.parse(row).is_rollback)).toBe(true);
    expect(before.pull_request_commits).toHaveLength(1);
    // And the deployer's: its deployments, one rolled back.
    const deployerRows = before.deployments!.map((row) => JSON.parse(row)).filter((row) => row.source === "DEPLOYER");
    expect(deployerRows.map((row) => row.status).sort()).toEqual(["ROLLED_BACK", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    // And Flux's: a succeeded revision, then a failed one.
    const fluxRows = before.deployments!.map((row) => JSON.parse(row)).filter((row) => row.source === "FLUX");
    expect(fluxRows.map((row) => row.status).sort()).toEqual(["FAILED", "SUCCEEDED"]);

    // People and their team-scoped roles are not projections: a rebuild keeps them.
    const team = await db.team.findFirstOrThrow();
    await db.user.create({
      data: { id: "u-sre", name: "Sam", email: "sam@example.com", roleGrants: { create: { role: "sre", teamId: team.id, source: "manual" } } },
    });

    const summary = await rebuildProjections({ log: quietLog() });
    expect(summary).toMatchObject({ deliveries: statuses.length, failed: 0, quarantined: 0, deferred: 0 });
    expect(await db.roleGrant.findMany({ select: { userId: true, role: true, teamId: true } })).toEqual([
      { userId: "u-sre", role: "sre", teamId: team.id },
    ]);
    expect(summary.processed + summary.ignored).toBe(statuses.length);
    expect(await dumpFleet(databaseUrl())).toEqual(before);
    expect((await deliveries()).map((row) => [row.deliveryId, row.status])).toEqual(statuses);

    // And again: a rebuild of a rebuild changes nothing.
    await rebuildProjections({ log: quietLog() });
    expect(await dumpFleet(databaseUrl())).toEqual(before);
  });

  it("refuses while rollbacks exist, leaving everything as it was", async () => {
    await storeHistory();
    await drain();
    const application = await db.application.findFirstOrThrow();
    const release = await db.release.findFirstOrThrow();
    await db.rollback.create({
      data: { applicationId: application.id, toReleaseId: release.id, method: "ARGOCD", reason: "bad release", requestedBy: "alice", idempotencyKey: "r1" },
    });
    const before = await dumpFleet(databaseUrl());
    await expect(rebuildProjections({ log: quietLog() })).rejects.toThrow(RebuildRefusedError);
    expect(await dumpFleet(databaseUrl())).toEqual(before);
    await db.rollback.deleteMany();
  });

  it("refuses to empty a fleet that was not built from deliveries (the seeded demo fleet)", async () => {
    await storeHistory();
    await drain();
    await db.webhookDelivery.deleteMany();
    await expect(rebuildProjections({ log: quietLog() })).rejects.toThrow(/no deliveries are stored/);
    expect(await db.application.count()).toBeGreaterThan(0);
  });

  it("knows every table: each is a projection it empties, or kept", async () => {
    // A partition (webhook_deliveries_20261124) belongs to its partitioned table.
    const tables = await db.$queryRaw<{ table_name: string }[]>`
      SELECT c.relname::text AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`;
    const classified = new Set<string>([...PROJECTION_TABLES, ...TRIGGER_EMPTIED_PROJECTIONS, ...KEPT_TABLES]);
    expect(tables.map((table) => table.table_name).filter((table) => !classified.has(table))).toEqual([]);
  });
});

describe("replayDeliveries and replayDelivery", () => {
  it("re-queue what matches (source, since, status), reset their attempts, and the worker applies them again", async () => {
    await storeHistory();
    await drain();
    const all = await deliveries();
    const since = all[10]!.receivedAt;
    expect(await replayDeliveries({ source: "ARGOCD", since })).toBe(all.filter((row) => row.source === "ARGOCD" && row.receivedAt >= since).length);
    const requeued = (await deliveries()).filter((row) => row.status === "PENDING");
    expect(requeued.every((row) => row.source === "ARGOCD" && row.attempts === 0 && row.processedAt === null)).toBe(true);

    const before = await dumpFleet(databaseUrl());
    await drain();
    // Applying deliveries again changes nothing.
    expect(await dumpFleet(databaseUrl())).toEqual(before);
    expect(await replayDeliveries({ statuses: ["QUARANTINED"] })).toBe(0);
  });

  it("one delivery by id: back to PENDING with its error cleared; null for an unknown id", async () => {
    const broken = await insertDelivery({ source: "GITHUB", event: "push", body: "{", orderingKey: "foo/velero" });
    await drain();
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: broken.id } })).toMatchObject({ status: "QUARANTINED", attempts: 1 });
    expect(await replayDelivery(broken.id)).toEqual({ id: broken.id, status: "PENDING" });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: broken.id } })).toMatchObject({
      status: "PENDING",
      attempts: 0,
      lastError: null,
      processedAt: null,
    });
    expect(await replayDelivery(987654321n)).toBeNull();
  });
});
