import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import type { FleetCell } from "@/lib/fleet/derive-fleet-cell";
import { listFleetMatrix, type FleetMatrix } from "@/lib/fleet/list-fleet-matrix";
import { HealthStatus, SyncStatus } from "@/lib/generated/prisma/enums";

// A small fleet with one of everything the matrix must show:
//   checkout (payments): dev and staging run v2; prod's eu cluster runs v1 and is degraded,
//     its us cluster runs v2 and is out of sync: cluster skew in prod, environment skew;
//   ledger (payments): staging and prod run v1; a deleted, degraded dev application;
//   gateway (platform): dev progressing, prod healthy, both v1;
//   orphan (no team): one dev application without a known release, in a cluster without a region.
beforeAll(async () => {
  const db = getDb();
  const payments = await db.team.create({ data: { slug: "payments", name: "Payments" } });
  const platform = await db.team.create({ data: { slug: "platform", name: "Platform" } });
  const service = async (name: string, teamId?: number) => db.service.create({ data: { name, teamId } });
  const checkout = await service("checkout", payments.id);
  const ledger = await service("ledger", payments.id);
  const gateway = await service("gateway", platform.id);
  const orphan = await service("orphan");

  // Created out of rank order: columns must follow rank.
  const prod = await db.environment.create({ data: { name: "prod", rank: 30, isProduction: true } });
  const dev = await db.environment.create({ data: { name: "dev", rank: 10 } });
  const staging = await db.environment.create({ data: { name: "staging", rank: 20 } });

  const argo = await db.argoInstance.create({ data: { name: "argo" } });
  const cluster = (name: string, region: string | null) => db.cluster.create({ data: { argoInstanceId: argo.id, name, server: `https://${name}`, region } });
  const us = await cluster("us-1", "us-east");
  const eu = await cluster("eu-1", "eu-west");
  const lab = await cluster("lab", null);

  const release = (serviceId: number, version: string, day: number) =>
    db.release.create({ data: { serviceId, version, firstSeenAt: new Date(Date.UTC(2026, 9, day)) } });
  const checkoutV1 = await release(checkout.id, "v1", 1);
  const checkoutV2 = await release(checkout.id, "v2", 5);
  const ledgerV1 = await release(ledger.id, "v1", 2);
  const gatewayV1 = await release(gateway.id, "v1", 3);

  let n = 0;
  const app = (
    serviceId: number,
    environmentId: number,
    clusterId: number,
    currentReleaseId: number | null,
    healthStatus: HealthStatus = "HEALTHY",
    syncStatus: SyncStatus = "SYNCED",
    deletedAt?: Date,
  ) =>
    db.application.create({
      data: { argoInstanceId: argo.id, namespace: "argocd", name: `app-${++n}`, serviceId, environmentId, clusterId, currentReleaseId, healthStatus, syncStatus, deletedAt },
    });
  await app(checkout.id, dev.id, eu.id, checkoutV2.id);
  await app(checkout.id, staging.id, eu.id, checkoutV2.id);
  await app(checkout.id, prod.id, eu.id, checkoutV1.id, "DEGRADED");
  await app(checkout.id, prod.id, us.id, checkoutV2.id, "HEALTHY", "OUT_OF_SYNC");
  await app(ledger.id, staging.id, eu.id, ledgerV1.id);
  await app(ledger.id, prod.id, us.id, ledgerV1.id);
  await app(ledger.id, dev.id, eu.id, ledgerV1.id, "DEGRADED", "OUT_OF_SYNC", new Date());
  await app(gateway.id, dev.id, eu.id, gatewayV1.id, "PROGRESSING");
  await app(gateway.id, prod.id, us.id, gatewayV1.id);
  await app(orphan.id, dev.id, lab.id, null, "UNKNOWN", "UNKNOWN");
});

const names = (matrix: FleetMatrix) => matrix.rows.map((row) => (row.group === null ? row.service : `${row.group === "" ? "-" : row.group}/${row.service}`));
const cell = (environment: string, overrides: Partial<FleetCell>): FleetCell => ({
  environment,
  applications: 1,
  health: "HEALTHY",
  healthCounts: { HEALTHY: 1 },
  outOfSync: 0,
  versions: ["v1"],
  versionCount: 1,
  clusterSkew: false,
  ...overrides,
});

describe("listFleetMatrix without grouping", () => {
  it("lists services by name with one cell per environment, dev → prod", async () => {
    const matrix = await listFleetMatrix({});
    expect(matrix.total).toBe(4);
    expect(matrix.groups).toEqual([]);
    expect(matrix.environments).toEqual([
      { name: "dev", isProduction: false },
      { name: "staging", isProduction: false },
      { name: "prod", isProduction: true },
    ]);
    expect(names(matrix)).toEqual(["checkout", "gateway", "ledger", "orphan"]);
  });

  it("derives health, versions and both kinds of skew from live applications only", async () => {
    const [checkout, gateway, ledger, orphan] = (await listFleetMatrix({})).rows;
    expect(checkout).toEqual({
      key: "/checkout",
      group: null,
      service: "checkout",
      team: { slug: "payments", name: "Payments" },
      scope: {},
      cells: [
        cell("dev", { versions: ["v2"] }),
        cell("staging", { versions: ["v2"] }),
        cell("prod", {
          applications: 2,
          health: "DEGRADED",
          healthCounts: { DEGRADED: 1, HEALTHY: 1 },
          outOfSync: 1,
          versions: ["v2", "v1"],
          versionCount: 2,
          clusterSkew: true,
        }),
      ],
      environmentSkew: "dev runs v2, staging runs v2, prod runs 2 versions",
    });
    expect(gateway?.cells).toEqual([cell("dev", { health: "PROGRESSING", healthCounts: { PROGRESSING: 1 } }), null, cell("prod", {})]);
    expect(gateway?.environmentSkew).toBeNull();
    // The deleted degraded dev application is gone from the matrix.
    expect(ledger?.cells).toEqual([null, cell("staging", {}), cell("prod", {})]);
    expect(orphan).toMatchObject({
      team: null,
      cells: [cell("dev", { health: "UNKNOWN", healthCounts: { UNKNOWN: 1 }, versions: [], versionCount: 0 }), null, null],
      environmentSkew: null,
    });
  });

  it("answers any window of rows with the same total", async () => {
    const window = await listFleetMatrix({ offset: 1, limit: 2 });
    expect(window.total).toBe(4);
    expect([window.offset, window.limit]).toEqual([1, 2]);
    expect(names(window)).toEqual(["gateway", "ledger"]);
    expect(names(await listFleetMatrix({ offset: 4, limit: 2 }))).toEqual([]);
  });

  it("searches service names case-insensitively, taking % literally", async () => {
    expect(names(await listFleetMatrix({ q: "LED" }))).toEqual(["ledger"]);
    expect(names(await listFleetMatrix({ q: "e" }))).toEqual(["checkout", "gateway", "ledger"]);
    expect((await listFleetMatrix({ q: "%" })).total).toBe(0);
  });

  it("filters to degraded, out-of-sync or skewed services", async () => {
    expect(names(await listFleetMatrix({ only: "degraded" }))).toEqual(["checkout"]);
    expect(names(await listFleetMatrix({ only: "out-of-sync" }))).toEqual(["checkout"]);
    expect(names(await listFleetMatrix({ only: "skewed" }))).toEqual(["checkout"]);
    expect(names(await listFleetMatrix({ only: "degraded", q: "gate" }))).toEqual([]);
  });
});

describe("listFleetMatrix grouped", () => {
  it("groups by team, teamless services last, and windows across group boundaries", async () => {
    const matrix = await listFleetMatrix({ group: "team" });
    expect(matrix.groups).toEqual([
      { key: "payments", label: "Payments", rows: 2 },
      { key: "platform", label: "Platform", rows: 1 },
      { key: "", label: "No team", rows: 1 },
    ]);
    expect(names(matrix)).toEqual(["payments/checkout", "payments/ledger", "platform/gateway", "-/orphan"]);
    expect(names(await listFleetMatrix({ group: "team", offset: 1, limit: 2 }))).toEqual(["payments/ledger", "platform/gateway"]);
  });

  it("groups by environment in rank order, a service under each environment it runs in", async () => {
    const matrix = await listFleetMatrix({ group: "environment" });
    expect(matrix.groups.map(({ label, rows }) => [label, rows])).toEqual([
      ["dev", 3],
      ["staging", 2],
      ["prod", 3],
    ]);
    expect(matrix.total).toBe(8);
    expect(matrix.rows.map((row) => row.service)).toEqual(["checkout", "gateway", "orphan", "checkout", "ledger", "checkout", "gateway", "ledger"]);
    const degradedInProd = await listFleetMatrix({ group: "environment", only: "degraded" });
    expect(degradedInProd.groups.map(({ label, rows }) => [label, rows])).toEqual([["prod", 1]]);
  });

  it("groups by cluster, each row's cells counting that cluster's applications only", async () => {
    const matrix = await listFleetMatrix({ group: "cluster" });
    expect(matrix.groups.map(({ label, rows }) => [label, rows])).toEqual([
      ["eu-1", 3],
      ["lab", 1],
      ["us-1", 3],
    ]);
    const checkoutUs = matrix.rows.find((row) => row.service === "checkout" && row.scope.cluster === "us-1");
    expect(checkoutUs?.cells).toEqual([null, null, cell("prod", { versions: ["v2"], outOfSync: 1 })]);
    expect(checkoutUs?.environmentSkew).toBeNull();
    const checkoutEu = matrix.rows.find((row) => row.service === "checkout" && row.scope.cluster === "eu-1");
    expect(checkoutEu?.cells[2]).toEqual(cell("prod", { health: "DEGRADED", healthCounts: { DEGRADED: 1 } }));
    expect(checkoutEu?.environmentSkew).toBe("dev runs v2, staging runs v2, prod runs v1");
    // Skew within one cluster: checkout's environments on eu-1 disagree; on us-1 it runs one version.
    const skewed = await listFleetMatrix({ group: "cluster", only: "skewed" });
    expect(skewed.rows.map((row) => [row.scope.cluster, row.service])).toEqual([["eu-1", "checkout"]]);
  });

  it("groups by region, clusters without one under No region, last", async () => {
    const matrix = await listFleetMatrix({ group: "region" });
    expect(matrix.groups).toEqual([
      { key: "eu-west", label: "eu-west", rows: 3 },
      { key: "us-east", label: "us-east", rows: 3 },
      { key: "", label: "No region", rows: 1 },
    ]);
    expect(matrix.rows.at(-1)).toMatchObject({ service: "orphan", scope: {} });
    expect(matrix.rows[0]).toMatchObject({ service: "checkout", scope: { region: "eu-west" } });
  });
});

describe("listFleetMatrix's row index reuse", () => {
  it("reuses a view's rows within rowIndexMaxAgeMs, reads cells fresh, and rebuilds without it", async () => {
    const db = getDb();
    const view = { group: "team" as const, q: "ledger" };
    const before = await listFleetMatrix(view, db, { rowIndexMaxAgeMs: 60_000 });
    expect(names(before)).toEqual(["payments/ledger"]);

    const added = await db.service.create({ data: { name: "ledger-archive" } });
    const ledger = await db.service.findUniqueOrThrow({ where: { name: "ledger" } });
    await db.application.updateMany({ where: { serviceId: ledger.id, deletedAt: null, environment: { name: "prod" } }, data: { healthStatus: "MISSING" } });
    try {
      const reused = await listFleetMatrix(view, db, { rowIndexMaxAgeMs: 60_000 });
      expect(names(reused)).toEqual(["payments/ledger"]);
      expect(reused.rows[0]?.cells[2]?.health).toBe("MISSING");
      expect(names(await listFleetMatrix(view, db))).toEqual(["payments/ledger", "-/ledger-archive"]);
    } finally {
      await db.service.delete({ where: { id: added.id } });
      await db.application.updateMany({ where: { serviceId: ledger.id, deletedAt: null, environment: { name: "prod" } }, data: { healthStatus: "HEALTHY" } });
    }
  });
});
