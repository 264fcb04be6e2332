import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { getFleetOverview, type FleetOverview } from "@/lib/fleet/get-fleet-overview";
import { HealthStatus, SyncStatus } from "@/lib/generated/prisma/enums";

const now = new Date("2026-03-10T12:00:00.000Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const hoursAgo = (hours: number) => minutesAgo(hours * 60);
const daysAgo = (days: number) => hoursAgo(days * 24);

describe("getFleetOverview on an empty database", () => {
  it("is all zeros and empty lists", async () => {
    await expect(getFleetOverview({ now })).resolves.toEqual({
      asOf: now,
      services: 0,
      teams: 0,
      applications: 0,
      degraded: 0,
      outOfSync: 0,
      deploymentsLast24h: 0,
      deploymentsLast7d: 0,
      changeFailureRate: { deployments: 0, failures: 0, rate: null, days: 7 },
      environments: [],
      recentlyDegraded: [],
    } satisfies FleetOverview);
  });
});

describe("getFleetOverview on a small fleet", () => {
  let overview: FleetOverview;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const db = getDb();
    const payments = await db.team.create({ data: { slug: "payments", name: "Payments" } });
    const platform = await db.team.create({ data: { slug: "platform", name: "Platform" } });
    const checkout = await db.service.create({ data: { name: "checkout", teamId: payments.id } });
    const ledger = await db.service.create({ data: { name: "ledger", teamId: payments.id } });
    const gateway = await db.service.create({ data: { name: "gateway", teamId: platform.id } });
    // A service nobody owns still counts.
    const orphan = await db.service.create({ data: { name: "orphan" } });

    // Created out of rank order, so the breakdown must sort by rank rather than by id.
    const prod = await db.environment.create({ data: { name: "prod", rank: 30, isProduction: true } });
    const dev = await db.environment.create({ data: { name: "dev", rank: 10 } });
    const sandbox = await db.environment.create({ data: { name: "sandbox", rank: 40 } });
    const staging = await db.environment.create({ data: { name: "staging", rank: 20 } });

    const argo = await db.argoInstance.create({ data: { name: "argo-main" } });
    const eu = await db.cluster.create({ data: { argoInstanceId: argo.id, name: "eu-west-1", server: "https://eu.example" } });
    const us = await db.cluster.create({ data: { argoInstanceId: argo.id, name: "us-east-1", server: "https://us.example" } });

    const app = async (
      name: string,
      serviceId: number,
      environmentId: number,
      clusterId: number,
      healthStatus: HealthStatus,
      syncStatus: SyncStatus,
      extra: { deletedAt?: Date } = {},
    ) => {
      const created = await db.application.create({
        data: { argoInstanceId: argo.id, namespace: "argocd", name, serviceId, environmentId, clusterId, healthStatus, syncStatus, ...extra },
      });
      ids[name] = created.id;
      return created;
    };
    const { HEALTHY, PROGRESSING, DEGRADED, SUSPENDED, UNKNOWN } = HealthStatus;
    const { SYNCED, OUT_OF_SYNC } = SyncStatus;

    const checkoutDev = await app("checkout-dev", checkout.id, dev.id, eu.id, HEALTHY, SYNCED);
    await app("checkout-staging", checkout.id, staging.id, eu.id, PROGRESSING, OUT_OF_SYNC);
    const checkoutProdEu = await app("checkout-prod-eu", checkout.id, prod.id, eu.id, DEGRADED, SYNCED);
    const checkoutProdUs = await app("checkout-prod-us", checkout.id, prod.id, us.id, DEGRADED, OUT_OF_SYNC);
    await app("ledger-prod", ledger.id, prod.id, us.id, HEALTHY, OUT_OF_SYNC);
    await app("gateway-prod", gateway.id, prod.id, us.id, DEGRADED, SYNCED);
    await app("gateway-dev", gateway.id, dev.id, eu.id, UNKNOWN, SyncStatus.UNKNOWN);
    await app("orphan-dev", orphan.id, dev.id, eu.id, SUSPENDED, SYNCED);
    // Removed from Argo CD: its last state must not count anywhere.
    await app("ledger-staging", ledger.id, staging.id, eu.id, DEGRADED, OUT_OF_SYNC, { deletedAt: hoursAgo(1) });

    let operation = 0;
    const deploy = (application: typeof checkoutDev, startedAt: Date, degradedAt?: Date) =>
      db.deployment.create({
        data: {
          applicationId: application.id,
          serviceId: application.serviceId,
          environmentId: application.environmentId,
          clusterId: application.clusterId,
          operationKey: `op-${++operation}`,
          startedAt,
          observedAt: degradedAt ?? startedAt,
          degradedAt,
        },
      });

    await deploy(checkoutDev, minutesAgo(5));
    await deploy(checkoutDev, hoursAgo(24)); // exactly 24 h: inside the last 24 hours
    await deploy(checkoutDev, minutesAgo(24 * 60 + 1)); // just outside 24 h
    await deploy(checkoutDev, daysAgo(6));
    await deploy(checkoutDev, daysAgo(7)); // exactly 7 days: inside the last 7 days
    await deploy(checkoutDev, minutesAgo(7 * 24 * 60 + 1)); // just outside 7 days
    await deploy(checkoutDev, daysAgo(40));

    // The degraded applications' own last deployments say when they turned degraded; an
    // older deployment of the same application that degraded later must not be the answer.
    await deploy(checkoutProdEu, hoursAgo(30), minutesAgo(10));
    const euLast = await deploy(checkoutProdEu, hoursAgo(3), hoursAgo(2));
    const usLast = await deploy(checkoutProdUs, hoursAgo(1), minutesAgo(30));
    await db.application.update({ where: { id: checkoutProdEu.id }, data: { lastDeploymentId: euLast.id } });
    await db.application.update({ where: { id: checkoutProdUs.id }, data: { lastDeploymentId: usLast.id } });
    // gateway-prod has no deployment on record: degraded since an unknown time.

    overview = await getFleetOverview({ now });
    ids.sandbox = sandbox.id;
  });

  it("counts services (owned or not) and teams", () => {
    expect(overview.services).toBe(4);
    expect(overview.teams).toBe(2);
  });

  it("counts live applications, and those degraded and out of sync now", () => {
    expect(overview.applications).toBe(8);
    expect(overview.degraded).toBe(3);
    expect(overview.outOfSync).toBe(3);
  });

  it("counts deployments started in the last 24 hours and 7 days, bounds included", () => {
    // 24 h: 5 min, exactly 24 h, and the two prod deployments at 3 h and 1 h.
    expect(overview.deploymentsLast24h).toBe(4);
    // 7 d: those four, 24 h + 1 min, 30 h, 6 days, exactly 7 days.
    expect(overview.deploymentsLast7d).toBe(8);
  });

  it("breaks applications down by environment, in rank order, empty environments included", () => {
    expect(overview.environments.map(({ id: _id, ...rest }) => rest)).toEqual([
      { name: "dev", rank: 10, isProduction: false, applications: 3, healthy: 1, degraded: 0, progressing: 0, outOfSync: 0 },
      { name: "staging", rank: 20, isProduction: false, applications: 1, healthy: 0, degraded: 0, progressing: 1, outOfSync: 1 },
      { name: "prod", rank: 30, isProduction: true, applications: 4, healthy: 1, degraded: 3, progressing: 0, outOfSync: 2 },
      { name: "sandbox", rank: 40, isProduction: false, applications: 0, healthy: 0, degraded: 0, progressing: 0, outOfSync: 0 },
    ]);
    expect(overview.environments[3]?.id).toBe(ids.sandbox);
  });

  it("lists degraded applications, most recently degraded first, unknown times last", () => {
    expect(overview.recentlyDegraded).toEqual([
      {
        id: ids["checkout-prod-us"],
        name: "checkout-prod-us",
        namespace: "argocd",
        service: "checkout",
        environment: "prod",
        isProduction: true,
        cluster: "us-east-1",
        degradedSince: minutesAgo(30),
      },
      {
        id: ids["checkout-prod-eu"],
        name: "checkout-prod-eu",
        namespace: "argocd",
        service: "checkout",
        environment: "prod",
        isProduction: true,
        cluster: "eu-west-1",
        degradedSince: hoursAgo(2),
      },
      {
        id: ids["gateway-prod"],
        name: "gateway-prod",
        namespace: "argocd",
        service: "gateway",
        environment: "prod",
        isProduction: true,
        cluster: "us-east-1",
        degradedSince: null,
      },
    ]);
  });

  it("limits the degraded list", async () => {
    const limited = await getFleetOverview({ now, degradedLimit: 1 });
    expect(limited.recentlyDegraded.map((application) => application.name)).toEqual(["checkout-prod-us"]);
  });
});
