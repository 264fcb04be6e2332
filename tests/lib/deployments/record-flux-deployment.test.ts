// Flux events through the worker into the fleet model: a Kustomization or HelmRelease is an
// application, its reconciliation at a revision a deployment (succeeded, failed, in progress),
// and any arrival order of the same events, duplicates included, converges on the rows in-order
// delivery writes (as for Argo CD and deployment events).
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { type FluxReport, mergeFluxReports } from "@/lib/deployments/record-flux-deployment";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { deliveries, insertDelivery, type Json, quietLog, resetAll } from "../../support/deliveries";
import { fluxEvent } from "../../support/flux-examples";

const db = getDb();
const t0 = Date.parse("2026-11-20T10:00:00Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
const sha = (n: number) => n.toString(16).repeat(40).slice(0, 40);
const runs = Number(process.env.PROPERTY_RUNS ?? 20);

type Reason = "Progressing" | "ReconciliationSucceeded" | "HealthCheckFailed";

/** kustomization/podinfo on `cluster`, reporting `reason` at `seconds` for commit `commit`. */
function kustomization(cluster: string, commit: number, seconds: number, reason: Reason, message = `${reason} at ${seconds}s`): Json {
  return fluxEvent({
    name: "podinfo",
    namespace: "podinfo",
    severity: reason === "HealthCheckFailed" ? "error" : "info",
    reason,
    message,
    timestamp: at(seconds),
    metadata: { revision: `main@sha1:${sha(commit)}`, cluster, env: "production", "shiplog.io/repository": "gitlab.com/acme/podinfo" },
  });
}

async function deliver(...bodies: Json[]) {
  for (const body of bodies) await insertDelivery({ source: "FLUX", event: String(body.reason), body });
  const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
  expect(summary.failed + summary.quarantined, JSON.stringify((await deliveries()).map((row) => row.lastError))).toBe(0);
}

/** What the pages read, without ids (they depend on arrival order). */
async function fleetRows() {
  const [applications, deployments, releases, events] = await Promise.all([
    db.application.findMany({
      orderBy: [{ argoInstance: { name: "asc" } }, { name: "asc" }],
      select: {
        name: true,
        namespace: true,
        project: true,
        argoInstance: { select: { name: true } },
        cluster: { select: { name: true } },
        environment: { select: { name: true } },
        service: { select: { name: true, repository: true } },
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
      orderBy: [{ cluster: { name: "asc" } }, { operationKey: "asc" }],
      select: { operationKey: true, source: true, phase: true, status: true, startedAt: true, finishedAt: true, revision: true, message: true, observedAt: true, release: { select: { version: true } } },
    }),
    db.release.findMany({ orderBy: { version: "asc" }, select: { version: true, commitSha: true, firstSeenAt: true, image: true } }),
    db.deploymentEvent.findMany({ orderBy: [{ at: "asc" }, { kind: "asc" }, { detail: "asc" }], select: { kind: true, at: true, detail: true } }),
  ]);
  return { applications, deployments, releases, events };
}

beforeEach(() => resetAll());

describe("Flux events into the model", () => {
  it("a Kustomization is an application on its cluster; reconciling a revision is a deployment that runs, then succeeds or fails", async () => {
    await deliver(kustomization("prod-eu", 1, 0, "Progressing"), kustomization("prod-eu", 1, 40, "ReconciliationSucceeded"));
    await deliver(kustomization("prod-eu", 2, 600, "Progressing"));
    let rows = await fleetRows();
    expect(rows.applications).toEqual([
      expect.objectContaining({
        name: "kustomization/podinfo",
        namespace: "podinfo",
        project: "Kustomization",
        argoInstance: { name: "flux/prod-eu" },
        cluster: { name: "prod-eu" },
        environment: { name: "production" },
        service: { name: "podinfo", repository: "gitlab.com/acme/podinfo" },
        syncedRevision: sha(1),
        lastOperationPhase: "RUNNING",
        healthStatus: "PROGRESSING",
        currentRelease: { version: sha(1).slice(0, 12) },
      }),
    ]);
    expect(rows.deployments.map((row) => [row.operationKey, row.source, row.status, row.startedAt.toISOString(), row.finishedAt?.toISOString() ?? null])).toEqual([
      [`flux:main@sha1:${sha(1)}`, "FLUX", "SUCCEEDED", at(0), at(40)],
      [`flux:main@sha1:${sha(2)}`, "FLUX", "RUNNING", at(600), null],
    ]);

    await deliver(kustomization("prod-eu", 2, 900, "HealthCheckFailed", "timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']"));
    rows = await fleetRows();
    expect(rows.deployments[1]).toMatchObject({ status: "FAILED", phase: "FAILED", finishedAt: new Date(at(900)), message: expect.stringMatching(/^timeout waiting/) });
    // The failed revision does not become current; the one before stays.
    expect(rows.applications[0]).toMatchObject({ syncStatus: "OUT_OF_SYNC", lastOperationPhase: "FAILED", currentRelease: { version: sha(1).slice(0, 12) }, currentReleaseSince: new Date(at(40)) });
    expect(rows.releases).toEqual([
      expect.objectContaining({ version: sha(1).slice(0, 12), commitSha: sha(1), image: null }),
      expect.objectContaining({ version: sha(2).slice(0, 12), commitSha: sha(2), image: null }),
    ]);
    expect(rows.events.map((row) => row.kind)).toEqual(["sync-running", "sync-succeeded", "sync-running", "sync-failed"]);
  });

  it("a health check that failed and then passed at the same revision ends succeeded", async () => {
    await deliver(kustomization("prod-eu", 3, 0, "HealthCheckFailed"), kustomization("prod-eu", 3, 300, "ReconciliationSucceeded"));
    const [deployment] = (await fleetRows()).deployments;
    expect(deployment).toMatchObject({ status: "SUCCEEDED", startedAt: new Date(at(0)), finishedAt: new Date(at(300)) });
  });

  it("a HelmRelease's chart version is its release, without a commit; the same object on two clusters is two applications", async () => {
    const helm = (cluster: string, reason: string, severity: "info" | "error", seconds: number) =>
      fluxEvent({ kind: "HelmRelease", name: "podinfo", namespace: "podinfo", severity, reason, timestamp: at(seconds), message: `Helm ${reason}`, metadata: { revision: "6.5.4", cluster } });
    await deliver(helm("prod-eu", "UpgradeSucceeded", "info", 0), helm("prod-us", "UpgradeFailed", "error", 10));
    const rows = await fleetRows();
    expect(rows.applications.map((app) => [app.argoInstance.name, app.name, app.currentRelease?.version ?? null, app.lastOperationPhase])).toEqual([
      ["flux/prod-eu", "helmrelease/podinfo", "6.5.4", "SUCCEEDED"],
      ["flux/prod-us", "helmrelease/podinfo", null, "FAILED"],
    ]);
    expect(rows.releases).toEqual([expect.objectContaining({ version: "6.5.4", commitSha: null })]);
  });

  // The reason given is read-flux-observation.test.ts's to check.
  it("stores events it does not act on as IGNORED, and records nothing", async () => {
    await insertDelivery({ source: "FLUX", event: "NewArtifact", body: fluxEvent({ kind: "GitRepository", severity: "info", reason: "NewArtifact" }) });
    const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
    expect(summary.ignored).toBe(1);
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: "IGNORED" });
    expect(await db.application.count()).toBe(0);
  });
});

describe("mergeFluxReports", () => {
  const report = fc.record({
    phase: fc.constantFrom("RUNNING" as const, "SUCCEEDED" as const, "FAILED" as const),
    at: fc.integer({ min: 0, max: 5 }).map((seconds) => new Date(t0 + seconds * 1000)),
    message: fc.constantFrom("a", "b"),
  });
  it("is order-independent and idempotent: every arrival order of the same reports, with repeats, gives one state", () => {
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 8 }), (reports: FluxReport[]) => {
        const fold = (list: FluxReport[]) => list.reduce(mergeFluxReports, null as ReturnType<typeof mergeFluxReports> | null);
        const expected = fold(reports);
        expect(fold([...reports].reverse())).toEqual(expected);
        expect(fold([...reports, ...reports.slice(0, 2)].sort((a, b) => a.message.localeCompare(b.message)))).toEqual(expected);
      }),
      { numRuns: runs * 10, seed: 20261207 },
    );
  });
});

describe("any arrival order", () => {
  // Two clusters, three revisions, every outcome, a failure then a success at one revision.
  const history: Json[] = [
    kustomization("prod-eu", 1, 0, "Progressing"),
    kustomization("prod-eu", 1, 30, "ReconciliationSucceeded"),
    kustomization("prod-us", 1, 5, "Progressing"),
    kustomization("prod-us", 1, 35, "ReconciliationSucceeded"),
    kustomization("prod-eu", 2, 600, "Progressing"),
    kustomization("prod-eu", 2, 900, "HealthCheckFailed"),
    kustomization("prod-eu", 2, 1200, "ReconciliationSucceeded"),
    kustomization("prod-us", 2, 605, "Progressing"),
    kustomization("prod-us", 2, 905, "HealthCheckFailed"),
    kustomization("prod-eu", 3, 1800, "Progressing"),
  ];

  it(`writes the rows in-order delivery writes, for ${runs} shuffled histories with duplicates`, async () => {
    await deliver(...history);
    const expected = await fleetRows();
    expect(expected.applications.map((app) => [app.cluster.name, app.currentRelease?.version, app.lastOperationPhase])).toEqual([
      ["prod-eu", sha(2).slice(0, 12), "RUNNING"],
      ["prod-us", sha(1).slice(0, 12), "FAILED"],
    ]);
    expect(expected.deployments.map((row) => row.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "RUNNING", "SUCCEEDED", "FAILED"]);

    const positions = history.map((_, index) => index);
    const orders = fc
      .tuple(fc.shuffledSubarray(positions, { minLength: positions.length, maxLength: positions.length }), fc.array(fc.constantFrom(...positions), { maxLength: 4 }))
      .chain(([shuffled, duplicates]) => {
        const all = [...shuffled, ...duplicates];
        return fc.tuple(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), fc.integer({ min: 1, max: all.length }));
      });
    await fc.assert(
      fc.asyncProperty(orders, async ([delivered, split]) => {
        await resetAll();
        // Two worker passes: what arrives later is applied on top of what was projected.
        await deliver(...delivered.slice(0, split).map((index) => history[index]!));
        await deliver(...delivered.slice(split).map((index) => history[index]!));
        expect(await fleetRows()).toEqual(expected);
      }),
      { numRuns: runs, seed: 20261207 },
    );
  }, 600_000);
});
