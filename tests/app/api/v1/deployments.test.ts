// GET /api/v1/deployments and /api/v1/deployments/{id} against the 12-service demo fleet:
// real Requests into the exported route handlers, answers compared with direct SQL.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getDeploymentRoute } from "@/app/api/v1/deployments/[id]/route";
import { GET as listDeploymentsRoute } from "@/app/api/v1/deployments/route";
import { getDb } from "@/lib/db/client";
import { deploymentDetailSchema, getDeployment } from "@/lib/deployments/get-deployment";
import { listTimelinePage, timelinePageSchema } from "@/lib/rollouts/list-timeline-page";
import { Prisma } from "@/lib/generated/prisma/client";
import { callRoute, seedSmallFleet, walkPages } from "../../../support/read-api";

type Item = { id: number; startedAt: string; service: { name: string }; team: string | null; environment: string; cluster: string; region: string | null; status: string };

/** The ids a filter should return, newest first, straight from the tables (names joined, no ids resolved). */
async function expectedIds(condition: Prisma.Sql = Prisma.sql`TRUE`): Promise<number[]> {
  const rows = await getDb().$queryRaw<{ id: number }[]>`
    SELECT d.id FROM deployments d
    JOIN services s ON s.id = d.service_id
    JOIN applications a ON a.id = d.application_id
    JOIN environments e ON e.id = d.environment_id
    JOIN clusters c ON c.id = d.cluster_id
    LEFT JOIN teams t ON t.id = d.team_id
    LEFT JOIN releases r ON r.id = d.release_id
    WHERE ${condition}
    ORDER BY d.started_at DESC, d.id DESC`;
  return rows.map((row) => row.id);
}

const walk = (query: string) => walkPages<Item>(listDeploymentsRoute, `/api/v1/deployments?${query}`);

describe("GET /api/v1/deployments", () => {
  let total: number;
  let sample: { team: string; environment: string; cluster: string; region: string; service: string; initiatedBy: string; version: string };

  beforeAll(async () => {
    await seedSmallFleet();
    const db = getDb();
    total = await db.deployment.count();
    // Filter values taken from the fleet itself, so the test does not depend on the generator's names.
    const [row] = await db.$queryRaw<(typeof sample)[]>`
      SELECT t.slug AS team, e.name AS environment, c.name AS cluster, c.region, s.name AS service, d.initiated_by AS "initiatedBy", r.version
      FROM deployments d JOIN teams t ON t.id = d.team_id JOIN environments e ON e.id = d.environment_id
      JOIN clusters c ON c.id = d.cluster_id JOIN services s ON s.id = d.service_id JOIN releases r ON r.id = d.release_id
      WHERE d.initiated_by IS NOT NULL AND e.name = 'prod'
      ORDER BY d.id LIMIT 1`;
    sample = row!;
  });

  it("answers the newest deployments first, as listDeployments returns them, in the documented shape", async () => {
    const answer = await callRoute(listDeploymentsRoute, "/api/v1/deployments");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("x-request-id")).toBeTruthy();
    const page = await listTimelinePage();
    expect(timelinePageSchema.parse(page)).toEqual(page); // no field the schema does not describe
    expect(page.rollouts.length).toBeGreaterThan(0);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(page)));
    expect(answer.body.items).toHaveLength(50);
    expect(answer.body.items.map((item: Item) => item.id)).toEqual((await expectedIds()).slice(0, 50));
    expect(answer.body.items[0]).toMatchObject({
      id: expect.any(Number),
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: { id: expect.any(Number), name: expect.any(String) },
      application: { id: expect.any(Number), name: expect.any(String) },
      environment: expect.any(String),
      cluster: expect.any(String),
    });
    expect(typeof answer.body.nextCursor).toBe("string");
  });

  it("walks every deployment exactly once, in order, across pages", async () => {
    const { items, pages } = await walk("limit=37");
    expect(items.map((item) => item.id)).toEqual(await expectedIds());
    expect(items).toHaveLength(total);
    expect(pages).toBe(Math.ceil(total / 37));
  });

  it("narrows by each filter to exactly the matching deployments, across pages", async () => {
    const cases: [string, Prisma.Sql][] = [
      [`team=${sample.team}`, Prisma.sql`t.slug = ${sample.team}`],
      [`environment=${sample.environment}`, Prisma.sql`e.name = ${sample.environment}`],
      [`cluster=${sample.cluster}`, Prisma.sql`c.name = ${sample.cluster}`],
      [`region=${sample.region}`, Prisma.sql`c.region = ${sample.region}`],
      [`service=${sample.service}`, Prisma.sql`s.name = ${sample.service}`],
      ["status=FAILED", Prisma.sql`d.status = 'FAILED'`],
      ["status=ROLLED_BACK", Prisma.sql`d.status = 'ROLLED_BACK'`],
      ["status=FAILED,DEGRADED", Prisma.sql`d.status IN ('FAILED', 'DEGRADED')`],
      ["status=ROLLED_BACK,FAILED,ROLLED_BACK", Prisma.sql`d.status IN ('FAILED', 'ROLLED_BACK')`],
      [`team=${sample.team}&status=SUCCEEDED,FAILED`, Prisma.sql`t.slug = ${sample.team} AND d.status IN ('SUCCEEDED', 'FAILED')`],
      [`environment=prod&status=FAILED,ROLLED_BACK&from=2026-11-01`, Prisma.sql`e.name = 'prod' AND d.status IN ('FAILED', 'ROLLED_BACK') AND d.started_at >= '2026-11-01T00:00:00Z'`],
      [`initiatedBy=${sample.initiatedBy}`, Prisma.sql`d.initiated_by = ${sample.initiatedBy}`],
      ["from=2026-11-10T00:00:00Z&to=2026-11-17", Prisma.sql`d.started_at >= '2026-11-10T00:00:00Z' AND d.started_at < '2026-11-17T00:00:00Z'`],
      [`q=${sample.version.toUpperCase()}`, Prisma.sql`(s.name ILIKE ${`%${sample.version}%`} OR a.name ILIKE ${`%${sample.version}%`} OR r.version ILIKE ${`%${sample.version}%`})`],
      [`q=${sample.service.slice(2, 8)}`, Prisma.sql`(s.name ILIKE ${`%${sample.service.slice(2, 8)}%`} OR a.name ILIKE ${`%${sample.service.slice(2, 8)}%`} OR r.version ILIKE ${`%${sample.service.slice(2, 8)}%`})`],
      [`team=${sample.team}&environment=prod&status=SUCCEEDED`, Prisma.sql`t.slug = ${sample.team} AND e.name = 'prod' AND d.status = 'SUCCEEDED'`],
      [`region=${sample.region}&cluster=${sample.cluster}`, Prisma.sql`c.name = ${sample.cluster}`],
    ];
    for (const [query, condition] of cases) {
      const expected = await expectedIds(condition);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, `${query} should narrow`).toBeLessThan(total);
      const { items } = await walk(`${query}&limit=20`);
      expect(items.map((item) => item.id), query).toEqual(expected);
    }
  });

  it("answers an empty page for names that match nothing", async () => {
    for (const query of ["team=nobody", "service=no-such-service", "region=mars-1", "initiatedBy=nobody", "q=zzzzzz", "q=%25"]) {
      const answer = await callRoute(listDeploymentsRoute, `/api/v1/deployments?${query}`);
      expect(answer.status, query).toBe(200);
      expect(answer.body, query).toEqual({ items: [], nextCursor: null, rollouts: [] });
    }
  });

  it("treats blank parameters as absent, as a filter form sends them", async () => {
    const answer = await callRoute(listDeploymentsRoute, "/api/v1/deployments?team=&q=&limit=5");
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((item: Item) => item.id)).toEqual((await expectedIds()).slice(0, 5));
  });

  it("answers 400 naming the parameter for a bad value", async () => {
    const { body: page } = await callRoute(listDeploymentsRoute, "/api/v1/deployments?limit=1");
    const cases: [string, RegExp][] = [
      ["limit=0", /^limit: must be at least 1$/],
      ["limit=201", /^limit: must be at most 200$/],
      ["limit=ten", /^limit: must be a whole number$/],
      ["status=BROKEN", /^status: "BROKEN" is not a valid value: expected one or more of RUNNING, SUCCEEDED, FAILED, DEGRADED, ROLLED_BACK, separated by commas$/],
      ["status=FAILED,degraded", /^status: "degraded" is not a valid value/],
      ["status=FAILED,", /^status: has an empty item/],
      ["status=FAILED&status=DEGRADED", /^status: /],
      ["from=yesterday", /^from: must be an ISO 8601/],
      ["from=2026-11-10&to=2026-11-01", /^to: must be after from$/],
      ["cursor=not-a-cursor", /^cursor: is not a cursor this endpoint returned/],
      [`cursor=${Buffer.from('{"name":"x"}').toString("base64url")}`, /^cursor: /],
      ["teem=payments", /unknown query parameter: teem/],
      ["team=a&team=b", /^team: /],
      [`q=${"x".repeat(201)}`, /^q: must be at most 200 characters$/],
    ];
    expect(page.nextCursor).toEqual(expect.any(String));
    for (const [query, message] of cases) {
      const answer = await callRoute(listDeploymentsRoute, `/api/v1/deployments?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe("bad_request");
      expect(answer.body.error.message, query).toMatch(message);
    }
  });
});

describe("GET /api/v1/deployments/{id}", () => {
  it("answers one deployment with its release, phase log and place", async () => {
    const db = getDb();
    const deployment = await db.deployment.findFirstOrThrow({ where: { status: "SUCCEEDED", releaseId: { not: null } }, include: { release: true, application: true }, orderBy: { id: "asc" } });
    const answer = await callRoute(getDeploymentRoute, `/api/v1/deployments/${deployment.id}`, { id: String(deployment.id) });
    expect(answer.status).toBe(200);
    const detail = (await getDeployment(deployment.id))!;
    expect(deploymentDetailSchema.parse(detail)).toEqual(detail);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(detail)));
    expect(answer.body).toMatchObject({
      id: deployment.id,
      status: "SUCCEEDED",
      application: { id: deployment.applicationId, name: deployment.application.name, namespace: deployment.application.namespace },
      release: { id: deployment.releaseId, version: deployment.release!.version, commitSha: deployment.release!.commitSha },
      startedAt: deployment.startedAt.toISOString(),
      rolledBackBy: null,
    });
    const kinds = answer.body.events.map((event: { kind: string }) => event.kind);
    expect(kinds[0]).toBe("sync-running");
    expect(kinds).toContain("sync-succeeded");
    const times = answer.body.events.map((event: { at: string }) => event.at);
    expect(times).toEqual([...times].sort());
  });

  it("links a rollback to the deployment it reverted, both ways", async () => {
    const rollback = await getDb().deployment.findFirstOrThrow({ where: { isRollback: true }, orderBy: { id: "asc" } });
    const reverted = await getDb().deployment.findFirstOrThrow({ where: { rolledBackById: rollback.id } });
    const rollbackAnswer = await callRoute(getDeploymentRoute, `/api/v1/deployments/${rollback.id}`, { id: String(rollback.id) });
    expect(rollbackAnswer.body).toMatchObject({ isRollback: true, rollsBack: { id: reverted.id, status: "ROLLED_BACK" } });
    const revertedAnswer = await callRoute(getDeploymentRoute, `/api/v1/deployments/${reverted.id}`, { id: String(reverted.id) });
    expect(revertedAnswer.body).toMatchObject({ status: "ROLLED_BACK", rolledBackById: rollback.id, rolledBackBy: { id: rollback.id }, rollsBack: null });
  });

  it("answers 404 for an unknown id and 400 for one that cannot be an id", async () => {
    const unknown = await callRoute(getDeploymentRoute, "/api/v1/deployments/2147483647", { id: "2147483647" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "not_found", message: "No deployment has id 2147483647." });
    for (const id of ["abc", "0", "-1", "1.5", "99999999999"]) {
      const answer = await callRoute(getDeploymentRoute, `/api/v1/deployments/${id}`, { id });
      expect(answer.status, id).toBe(400);
      expect(answer.body.error.message, id).toMatch(/^id: must be a positive whole number/);
    }
  });
});
