// Deployment events of a deployer Shiplog has no other view of (a serverless function, Terraform):
// through the worker into the fleet model. A success makes its release current where it ran, a
// failure or a rollback does not and counts in DORA, and any arrival order, duplicates included,
// converges on the rows in-order delivery writes.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { deployerOperationKey, deployerPlacement } from "@/lib/deployments/record-deployer-deployment";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { computeDoraDaysFromRaw } from "@/lib/metrics/compute-dora-from-raw";
import { DEFAULT_DORA_DEFINITIONS } from "@/lib/metrics/dora-definitions";
import { deliveries, insertDelivery, type Json, quietLog, resetAll } from "../../support/deliveries";

const db = getDb();
const t0 = Date.parse("2026-11-20T10:00:00Z");
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
const sha = (n: number) => n.toString(16).repeat(40).slice(0, 40);

type Status = "started" | "succeeded" | "failed" | "rolled_back";

/** One report of deployment `id` of `version` to `region`, started at minute `start`. */
function report(region: string, id: string, version: string, commit: number, start: number, status: Status, message?: string): Json {
  return {
    schemaVersion: "v1",
    deploymentId: id,
    service: "orders-fn",
    environment: "production",
    target: { region, function: "orders" },
    repository: "acme/orders-fn",
    version,
    commitSha: sha(commit),
    images: [`registry.test/acme/orders-fn:${version}`],
    status,
    startedAt: at(start),
    ...(status === "started" ? {} : { finishedAt: at(start + 3) }),
    by: "terraform-cloud",
    ...(message ? { message } : {}),
  };
}

async function deliver(...bodies: Json[]) {
  for (const body of bodies) await insertDelivery({ source: "DEPLOYER", event: "deployment", body });
  const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
  expect(summary.failed + summary.quarantined, JSON.stringify((await deliveries()).map((row) => row.lastError))).toBe(0);
}

/** What the pages read, without ids (they depend on arrival order). */
async function fleetRows() {
  const [applications, deployments, releases, events] = await Promise.all([
    db.application.findMany({
      orderBy: { name: "asc" },
      select: {
        name: true,
        namespace: true,
        cluster: { select: { name: true, region: true } },
        environment: { select: { name: true } },
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
      orderBy: [{ application: { name: "asc" } }, { operationKey: "asc" }],
      select: {
        operationKey: true,
        source: true,
        phase: true,
        status: true,
        startedAt: true,
        finishedAt: true,
        revision: true,
        images: true,
        initiatedBy: true,
        message: true,
        release: { select: { version: true } },
      },
    }),
    db.release.findMany({ orderBy: { version: "asc" }, select: { version: true, commitSha: true, firstSeenAt: true, image: true, imageTag: true } }),
    db.deploymentEvent.findMany({ orderBy: [{ at: "asc" }, { kind: "asc" }], select: { kind: true, at: true, detail: true } }),
  ]);
  return { applications, deployments, releases, events };
}

const application = (name: string) => db.application.findFirstOrThrow({ where: { name }, include: { currentRelease: true } });

beforeEach(() => resetAll());

describe("deployerPlacement and deployerOperationKey", () => {
  it("name one application per service, environment and target, on the target's cluster, else its region", () => {
    expect(deployerPlacement({ service: "orders-fn", environment: "Production", target: { region: "eu-west-1", function: "orders" } })).toEqual({
      environment: "production",
      cluster: { server: "deployer://eu-west-1", name: "eu-west-1", region: "eu-west-1" },
      applicationName: "production/eu-west-1/orders",
    });
    expect(deployerPlacement({ service: "ios-app", environment: "app-store", target: null })).toMatchObject({
      cluster: { server: "deployer://deployer", name: "deployer" },
      applicationName: "app-store",
    });
    expect(deployerPlacement({ service: "db", environment: "prod", target: { cluster: "gke-1", region: "europe-west1" } })).toMatchObject({
      cluster: { name: "gke-1", region: "europe-west1" },
      applicationName: "prod/gke-1/europe-west1",
    });
    expect(deployerOperationKey({ deploymentId: "run-7", startedAt: at(0) })).toBe("deployer:run-7");
    expect(deployerOperationKey({ deploymentId: null, startedAt: "2026-11-20T11:00:00+01:00" })).toBe("deployer:2026-11-20T10:00:00.000Z");
  });
});

describe("deployment events through the worker", () => {
  it("a success makes its release current where it ran; a failure does not, and both count in DORA", async () => {
    await deliver(report("eu-west-1", "d1", "1.0.0", 1, 0, "started"));
    expect(await application("production/eu-west-1/orders")).toMatchObject({
      healthStatus: "PROGRESSING",
      lastOperationPhase: "RUNNING",
      currentRelease: null,
    });
    await deliver(report("eu-west-1", "d1", "1.0.0", 1, 0, "succeeded"), report("us-east-1", "d2", "1.0.0", 1, 1, "failed", "timeout"));
    expect(await application("production/eu-west-1/orders")).toMatchObject({
      syncStatus: "SYNCED",
      healthStatus: "HEALTHY",
      syncedRevision: sha(1),
      currentRelease: { version: "1.0.0", commitSha: sha(1), image: "registry.test/acme/orders-fn", imageTag: "1.0.0" },
      currentReleaseSince: new Date(at(3)),
    });
    expect(await application("production/us-east-1/orders")).toMatchObject({ currentRelease: null, syncStatus: "OUT_OF_SYNC", lastOperationPhase: "FAILED" });
    const failed = await db.deployment.findFirstOrThrow({ where: { operationKey: "deployer:d2" }, include: { events: true } });
    expect(failed).toMatchObject({ source: "DEPLOYER", phase: "FAILED", status: "FAILED", message: "timeout", initiatedBy: "terraform-cloud" });
    expect(failed.events.map((event) => event.kind).sort()).toEqual(["sync-failed", "sync-running"]);
    const service = await db.service.findFirstOrThrow({ where: { name: "orders-fn" } });
    expect(service.repository).toBe("acme/orders-fn");

    const days = await computeDoraDaysFromRaw(
      { teamId: null, serviceId: service.id },
      { from: new Date(t0 - 86_400_000), to: new Date(t0 + 86_400_000) },
      DEFAULT_DORA_DEFINITIONS,
    );
    expect(days).toMatchObject([{ day: "2026-11-20", deployments: 2, failures: 1 }]);
  });

  it("a rolled-back deployment stays ROLLED_BACK whatever else is reported for it, and the release before it stays current", async () => {
    await deliver(report("eu-west-1", "d1", "1.0.0", 1, 0, "succeeded"));
    // The rollback is reported before the (late, stale) success of the same deployment.
    await deliver(report("eu-west-1", "d2", "1.1.0", 2, 10, "rolled_back", "health check failed; rolled back"));
    await deliver(report("eu-west-1", "d2", "1.1.0", 2, 10, "succeeded"), report("eu-west-1", "d2", "1.1.0", 2, 10, "started"));
    const rolledBack = await db.deployment.findFirstOrThrow({ where: { operationKey: "deployer:d2" }, include: { release: true } });
    expect(rolledBack).toMatchObject({ phase: "FAILED", status: "ROLLED_BACK", release: { version: "1.1.0" } });
    expect(await application("production/eu-west-1/orders")).toMatchObject({ currentRelease: { version: "1.0.0" }, syncStatus: "OUT_OF_SYNC" });
    const service = await db.service.findFirstOrThrow({ where: { name: "orders-fn" } });
    const days = await computeDoraDaysFromRaw(
      { teamId: null, serviceId: service.id },
      { from: new Date(t0 - 86_400_000), to: new Date(t0 + 86_400_000) },
      DEFAULT_DORA_DEFINITIONS,
    );
    expect(days).toMatchObject([{ deployments: 2, failures: 1 }]);
  });
});

describe("any arrival order", () => {
  // Two targets, five deployments, every status; 20 orderings by default (PROPERTY_RUNS overrides).
  const history: Json[] = [
    report("eu-west-1", "d1", "1.0.0", 1, 0, "started"),
    report("eu-west-1", "d1", "1.0.0", 1, 0, "succeeded"),
    report("us-east-1", "d2", "1.0.0", 1, 2, "started"),
    report("us-east-1", "d2", "1.0.0", 1, 2, "succeeded"),
    report("eu-west-1", "d3", "1.1.0", 2, 20, "started"),
    report("eu-west-1", "d3", "1.1.0", 2, 20, "rolled_back", "error rate above 5 %"),
    report("us-east-1", "d4", "1.1.0", 2, 22, "started"),
    report("us-east-1", "d4", "1.1.0", 2, 22, "failed", "quota exceeded"),
    report("eu-west-1", "d5", "1.1.1", 3, 40, "started"),
    report("eu-west-1", "d5", "1.1.1", 3, 40, "succeeded"),
  ];
  const runs = Number(process.env.PROPERTY_RUNS ?? 20);

  it(`writes the rows in-order delivery writes, for ${runs} shuffled histories with duplicates`, async () => {
    await deliver(...history);
    const expected = await fleetRows();
    expect(expected.applications.map((app) => [app.name, app.currentRelease?.version])).toEqual([
      ["production/eu-west-1/orders", "1.1.1"],
      ["production/us-east-1/orders", "1.0.0"],
    ]);
    expect(expected.deployments.map((row) => row.status)).toEqual(["SUCCEEDED", "ROLLED_BACK", "SUCCEEDED", "SUCCEEDED", "FAILED"]);

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
