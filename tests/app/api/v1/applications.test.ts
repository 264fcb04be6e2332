// GET /api/v1/applications against the 12-service demo fleet: the current-state columns,
// each filter, and keyset pages in (service, environment rank, cluster, name) order.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listApplicationsRoute } from "@/app/api/v1/applications/route";
import { applicationPageSchema, listApplications } from "@/lib/applications/list-applications";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { callRoute, seedSmallFleet, walkPages } from "../../../support/read-api";

type Item = { id: number; name: string; service: { name: string }; environment: string; cluster: string; health: string; sync: string; release: { id: number } | null };

async function expectedIds(condition: Prisma.Sql = Prisma.sql`TRUE`): Promise<number[]> {
  const rows = await getDb().$queryRaw<{ id: number }[]>`
    SELECT a.id FROM applications a
    JOIN services s ON s.id = a.service_id
    LEFT JOIN teams t ON t.id = s.team_id
    JOIN environments e ON e.id = a.environment_id
    JOIN clusters c ON c.id = a.cluster_id
    WHERE a.deleted_at IS NULL AND ${condition}
    ORDER BY s.name, e.rank, e.name, c.name, a.name, a.id`;
  return rows.map((row) => row.id);
}

const walk = (query: string) => walkPages<Item>(listApplicationsRoute, `/api/v1/applications?${query}`);

describe("GET /api/v1/applications", () => {
  beforeAll(async () => {
    await seedSmallFleet();
    // A small demo fleet may be all healthy and synced right now; make sure it is not.
    const [first, second] = await expectedIds();
    await getDb().application.update({ where: { id: first! }, data: { healthStatus: "DEGRADED" } });
    await getDb().application.update({ where: { id: second! }, data: { syncStatus: "OUT_OF_SYNC" } });
  });

  it("answers applications with what they run now, ordered by service, environment and cluster", async () => {
    const answer = await callRoute(listApplicationsRoute, "/api/v1/applications?limit=10");
    expect(answer.status).toBe(200);
    const page = await listApplications({ limit: 10 });
    expect(applicationPageSchema.parse(page)).toEqual(page);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(page)));
    expect(answer.body.items.map((item: Item) => item.id)).toEqual((await expectedIds()).slice(0, 10));

    const [first] = answer.body.items as Item[];
    const row = await getDb().application.findUniqueOrThrow({ where: { id: first!.id }, include: { currentRelease: true } });
    expect(first).toMatchObject({ name: row.name, health: row.healthStatus, sync: row.syncStatus, release: { id: row.currentReleaseId, version: row.currentRelease!.version } });
  });

  it("walks every application exactly once, in order, across pages", async () => {
    const expected = await expectedIds();
    const { items, pages } = await walk("limit=7");
    expect(items.map((item) => item.id)).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it("narrows by each filter to exactly the matching applications, across pages", async () => {
    const [sample] = await getDb().$queryRaw<{ service: string; team: string; cluster: string; region: string; name: string }[]>`
      SELECT s.name AS service, t.slug AS team, c.name AS cluster, c.region, a.name FROM applications a
      JOIN services s ON s.id = a.service_id JOIN teams t ON t.id = s.team_id JOIN clusters c ON c.id = a.cluster_id
      JOIN environments e ON e.id = a.environment_id WHERE e.name = 'prod' ORDER BY a.id LIMIT 1`;
    const { service, team, cluster, region } = sample!;
    const cases: [string, Prisma.Sql][] = [
      [`service=${service}`, Prisma.sql`s.name = ${service}`],
      [`team=${team}`, Prisma.sql`t.slug = ${team}`],
      ["environment=staging", Prisma.sql`e.name = 'staging'`],
      [`cluster=${cluster}`, Prisma.sql`c.name = ${cluster}`],
      [`region=${region}`, Prisma.sql`c.region = ${region}`],
      ["health=DEGRADED", Prisma.sql`a.health_status = 'DEGRADED'`],
      ["health=HEALTHY", Prisma.sql`a.health_status = 'HEALTHY'`],
      ["sync=SYNCED", Prisma.sql`a.sync_status = 'SYNCED'`],
      ["q=PROD-", Prisma.sql`a.name ILIKE '%prod-%'`],
      [`environment=prod&region=${region}&sync=SYNCED`, Prisma.sql`e.name = 'prod' AND c.region = ${region} AND a.sync_status = 'SYNCED'`],
    ];
    const total = (await expectedIds()).length;
    for (const [query, condition] of cases) {
      const expected = await expectedIds(condition);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, `${query} should narrow`).toBeLessThan(total);
      const { items } = await walk(`${query}&limit=3`);
      expect(items.map((item) => item.id), query).toEqual(expected);
    }
  });

  it("leaves out applications deleted from Argo CD", async () => {
    const [gone] = await expectedIds();
    await getDb().application.update({ where: { id: gone! }, data: { deletedAt: new Date() } });
    try {
      const { items } = await walk("limit=200");
      expect(items.map((item) => item.id)).not.toContain(gone);
    } finally {
      await getDb().application.update({ where: { id: gone! }, data: { deletedAt: null } });
    }
  });

  it("answers 400 naming the parameter for a bad value", async () => {
    const { body } = await callRoute(listApplicationsRoute, "/api/v1/applications?limit=1");
    const deploymentsCursor = Buffer.from(JSON.stringify(["2026-11-01T00:00:00.000Z", 1])).toString("base64url");
    for (const [query, message] of [
      ["health=ON_FIRE", /^health: /],
      ["sync=MAYBE", /^sync: /],
      ["limit=501", /^limit: must be at most 500$/],
      [`cursor=${deploymentsCursor}`, /^cursor: is not a cursor this endpoint returned/],
      ["environment=prod&env=prod", /unknown query parameter: env/],
    ] as const) {
      const answer = await callRoute(listApplicationsRoute, `/api/v1/applications?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message, query).toMatch(message);
    }
    expect((await callRoute(listApplicationsRoute, `/api/v1/applications?cursor=${body.nextCursor}`)).status).toBe(200);
  });
});
