// The demo fleet: deterministic, and the bulk path (COPY of an in-memory projection) writes
// exactly the rows the domain path (the functions ingestion uses) writes.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../../lib/db/client";
import { databaseUrl } from "../../../lib/env";
import { bulkLoadDemoFleet } from "../../../prisma/demo-fleet/bulk-load-demo-fleet";
import { seedDemoFleet, seedDemoFleetIfEmpty, seedTopology } from "../../../prisma/demo-fleet/seed-demo-fleet";
import { dumpFleet } from "../../support/dump-fleet";
import { createDatabase } from "../../support/postgres-admin";

const now = new Date("2026-11-24T12:00:00Z");
const services = 12;

describe("demo fleet", () => {
  let domainDump: Record<string, string[]>;
  const extra: { drop: () => Promise<void> }[] = [];

  beforeAll(async () => {
    const db = createDb(databaseUrl());
    const result = await seedDemoFleetIfEmpty(db, { services, now, lanes: 3 });
    expect(result.seeded).toBe(true);
    await db.$disconnect();
    domainDump = await dumpFleet(databaseUrl());
  });

  afterAll(async () => {
    for (const database of extra) await database.drop();
  });

  it("looks like a fleet: teams, environments, clusters, history with failures and rollbacks", () => {
    expect(domainDump.services!.length).toBe(services);
    expect(domainDump.applications!.length).toBeGreaterThanOrEqual(services * 3);
    const deployments = domainDump.deployments!.map((row) => JSON.parse(row));
    expect(deployments.length).toBeGreaterThan(services * 10);
    const statuses = new Set(deployments.map((d) => d.status));
    expect(statuses).toContain("SUCCEEDED");
    expect(statuses).toContain("FAILED");
    expect(deployments.some((d) => d.is_rollback)).toBe(true);
    const releases = domainDump.releases!.map((row) => JSON.parse(row));
    expect(releases.filter((r) => r.commits_complete).length).toBeGreaterThan(releases.length / 2);
    const prs = domainDump.pull_requests!.map((row) => JSON.parse(row));
    expect(prs.every((pr) => pr.ticket_keys.length > 0)).toBe(true);
  });

  it("does not seed a database that already has a fleet", async () => {
    const db = createDb(databaseUrl());
    expect(await seedDemoFleetIfEmpty(db, { services, now })).toEqual({ seeded: false });
    await db.$disconnect();
  });

  it("is deterministic: a second seed with the same clock writes the same rows", async () => {
    const database = await createDatabase(inject("serverUrl"), { template: inject("templateDatabase") });
    extra.push(database);
    const db = createDb(database.url);
    await seedDemoFleet(db, { services, now, lanes: 1 });
    await db.$disconnect();
    expect(await dumpFleet(database.url)).toEqual(domainDump);
  });

  it("finishes a load that an interrupted first start began, to the same rows", async () => {
    const database = await createDatabase(inject("serverUrl"), { template: inject("templateDatabase") });
    extra.push(database);
    const db = createDb(database.url);
    // What a start stopped after five services leaves behind.
    await db.setting.create({ data: { key: "demo_fleet", value: { status: "loading", services, now: now.toISOString() } } });
    await seedDemoFleet(db, { services: 5, now });
    const result = await seedDemoFleetIfEmpty(db, { services: 500 });
    expect(result).toMatchObject({ seeded: true, resumed: true, summary: { services } });
    expect(await seedDemoFleetIfEmpty(db, { services })).toEqual({ seeded: false });
    await db.$disconnect();
    expect(await dumpFleet(database.url)).toEqual(domainDump);
  });

  it("the bulk path writes the same rows as the domain path", async () => {
    const database = await createDatabase(inject("serverUrl"), { template: inject("templateDatabase") });
    extra.push(database);
    const db = createDb(database.url);
    await seedTopology(db);
    await db.$disconnect();
    await bulkLoadDemoFleet(database.url, { services, now, batch: 5 });
    const bulkDump = await dumpFleet(database.url);
    for (const table of Object.keys(domainDump)) {
      expect({ table, rows: bulkDump[table] }).toEqual({ table, rows: domainDump[table] });
    }
  });
});
