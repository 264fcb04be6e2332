// The DORA API against the 12-service demo fleet: the numbers checked against SQL written here,
// the rollups against the raw computation, the drill-downs against the numbers, and the
// definitions endpoint's validation and recomputation.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getDefinitionsRoute, PUT as putDefinitionsRoute } from "@/app/api/v1/metrics/definitions/route";
import { GET as listDeploymentsRoute } from "@/app/api/v1/metrics/dora/deployments/route";
import { GET as listIncidentsRoute } from "@/app/api/v1/metrics/dora/incidents/route";
import { GET as listLeadTimeRoute } from "@/app/api/v1/metrics/dora/lead-time/route";
import { GET as getDoraRoute } from "@/app/api/v1/metrics/dora/route";
import { getDb } from "@/lib/db/client";
import { computeDoraDaysFromRaw } from "@/lib/metrics/compute-dora-from-raw";
import { getDoraDefinitions } from "@/lib/metrics/get-dora-definitions";
import { listDoraDays } from "@/lib/metrics/list-dora-days";
import { resolveDoraWindow } from "@/lib/metrics/dora-window";
import { callRoute, seedSmallFleet } from "../../../support/read-api";
import { type TestUser, signIn, signedInRequest } from "../../../support/sign-in";

const from = "2026-09-01";
const to = "2026-11-24";
const window = resolveDoraWindow({ from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) });

async function productionCounts(where = "TRUE") {
  const [row] = await getDb().$queryRawUnsafe<{ deployments: number; failed: number; failures: number }[]>(`
    SELECT count(*)::int AS deployments,
           count(*) FILTER (WHERE d.status = 'FAILED')::int AS failed,
           count(*) FILTER (WHERE d.status IN ('FAILED', 'DEGRADED', 'ROLLED_BACK'))::int AS failures
    FROM deployments d JOIN environments e ON e.id = d.environment_id
    LEFT JOIN teams t ON t.id = d.team_id JOIN services s ON s.id = d.service_id
    WHERE e.is_production AND d.started_at >= '${from}' AND d.started_at < '${to}'::date + 1 AND ${where}`);
  return row!;
}

let admin: Promise<TestUser> | undefined;

async function putDefinitions(body: string) {
  admin ??= signIn([{ role: "admin", teamId: null }]);
  const response = await putDefinitionsRoute(signedInRequest(await admin, "/api/v1/metrics/definitions", { method: "PUT", body }), undefined);
  return { status: response.status, body: await response.json() };
}

beforeAll(seedSmallFleet);

describe("GET /api/v1/metrics/dora", () => {
  it("answers the fleet's numbers, equal to counting production deployments directly", async () => {
    const answer = await callRoute(getDoraRoute, `/api/v1/metrics/dora?from=${from}&to=${to}`);
    expect(answer.status).toBe(200);
    const expected = await productionCounts();
    expect(expected.deployments).toBeGreaterThan(0);
    expect(answer.body.current).toMatchObject({ deployments: expected.deployments, failures: expected.failures });
    expect(answer.body.current.changeFailureRate).toBeCloseTo(expected.failures / expected.deployments, 10);
    expect(answer.body.window).toEqual({ from: `${from}T00:00:00.000Z`, to: "2026-11-25T00:00:00.000Z", days: window.days });
    expect(answer.body.granularity).toBe("week");
    const perDay = await callRoute(getDoraRoute, `/api/v1/metrics/dora?from=${from}&to=${to}&per=day`);
    expect(perDay.body.series).toHaveLength(window.days);
    expect(perDay.body.series.reduce((sum: number, point: { deployments: number }) => sum + point.deployments, 0)).toBe(expected.deployments);
    expect((await callRoute(getDoraRoute, "/api/v1/metrics/dora?per=month")).body.error.message).toBe("per: must be day or week");
  });

  it("gives what the raw rows give on the demo fleet, for the fleet, each team and a service", async () => {
    const db = getDb();
    const definitions = await getDoraDefinitions(db);
    const teams = await db.team.findMany();
    const service = await db.service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const scopes = [{ teamId: null, serviceId: null }, ...teams.map((team) => ({ teamId: team.id, serviceId: null })), { teamId: null, serviceId: service.id }];
    for (const scope of scopes) {
      expect(await listDoraDays(scope, window, db)).toEqual(await computeDoraDaysFromRaw(scope, window, definitions, db));
    }
  });

  it("scopes to a team and to a service", async () => {
    const team = await getDb().team.findFirstOrThrow({ orderBy: { slug: "asc" } });
    const answer = await callRoute(getDoraRoute, `/api/v1/metrics/dora?team=${team.slug}&from=${from}&to=${to}`);
    expect(answer.body.current.deployments).toBe((await productionCounts(`t.slug = '${team.slug}'`)).deployments);
    const service = await getDb().service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const byService = await callRoute(getDoraRoute, `/api/v1/metrics/dora?service=${service.name}&from=${from}&to=${to}`);
    expect(byService.body.current.deployments).toBe((await productionCounts(`s.name = '${service.name}'`)).deployments);
  });

  it("answers 400 with the reason for a bad window or parameter, 404 for an unknown team", async () => {
    expect((await callRoute(getDoraRoute, "/api/v1/metrics/dora?days=0")).body.error.message).toBe("days: must be at least 1");
    expect((await callRoute(getDoraRoute, "/api/v1/metrics/dora?from=2026-11-05&to=2026-11-01")).body.error.message).toBe("from: must be on or before to");
    expect((await callRoute(getDoraRoute, "/api/v1/metrics/dora?from=yesterday")).status).toBe(400);
    expect((await callRoute(getDoraRoute, "/api/v1/metrics/dora?colour=red")).body.error.message).toBe("unknown query parameter: colour");
    expect((await callRoute(getDoraRoute, "/api/v1/metrics/dora?team=nobody")).status).toBe(404);
  });
});

describe("the drill-downs", () => {
  it("list exactly what the numbers count", async () => {
    const numbers = (await callRoute(getDoraRoute, `/api/v1/metrics/dora?from=${from}&to=${to}`)).body.current;
    const deployments = await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?from=${from}&to=${to}&limit=500`);
    expect(deployments.body.total).toBe(numbers.deployments);
    const failures = await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?from=${from}&to=${to}&failed=true&limit=500`);
    expect(failures.body.total).toBe(numbers.failures);
    expect(failures.body.items.every((item: { status: string }) => ["FAILED", "DEGRADED", "ROLLED_BACK"].includes(item.status))).toBe(true);
    const commits = await callRoute(listLeadTimeRoute, `/api/v1/metrics/dora/lead-time?from=${from}&to=${to}&limit=500`);
    expect(commits.body.total).toBe(numbers.leadTimeCommits);
    const incidents = await callRoute(listIncidentsRoute, `/api/v1/metrics/dora/incidents?from=${from}&to=${to}&limit=500`);
    expect(incidents.body.restored).toBe(numbers.incidents);
    expect((await callRoute(listIncidentsRoute, "/api/v1/metrics/dora/incidents?limit=501")).body.error.message).toBe("limit: must be at most 500");
  });
});

describe("/api/v1/metrics/definitions", () => {
  it("refuses what is not valid, saying why", async () => {
    expect((await putDefinitions("{")).body.error.message).toMatch(/^The body is not JSON/);
    const invalid = await putDefinitions(JSON.stringify({ productionEnvironments: null, failureStatuses: [], leadTimeStart: "push" }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toBe("failureStatuses: choose at least one outcome that counts as a failure; leadTimeStart: must be commit or merge");
    const unknown = await putDefinitions(JSON.stringify({ productionEnvironments: ["moon"], failureStatuses: ["FAILED"], leadTimeStart: "commit" }));
    expect(unknown.body.error.message).toBe("productionEnvironments: no environment named moon");
  });

  it("stores new definitions and the numbers follow them at once", async () => {
    const saved = await putDefinitions(JSON.stringify({ productionEnvironments: null, failureStatuses: ["FAILED"], leadTimeStart: "merge" }));
    expect(saved.status).toBe(200);
    expect(saved.body.definitions).toEqual({ productionEnvironments: null, failureStatuses: ["FAILED"], leadTimeStart: "merge" });
    expect((await callRoute(getDefinitionsRoute, "/api/v1/metrics/definitions")).body).toEqual(saved.body.definitions);
    const answer = await callRoute(getDoraRoute, `/api/v1/metrics/dora?from=${from}&to=${to}`);
    expect(answer.body.current.failures).toBe((await productionCounts()).failed);

    const staging = await putDefinitions(JSON.stringify({ productionEnvironments: ["staging"], failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"], leadTimeStart: "commit" }));
    expect(staging.status).toBe(200);
    const [stagingCount] = await getDb().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM deployments d JOIN environments e ON e.id = d.environment_id
      WHERE e.name = 'staging' AND d.started_at >= ${window.from} AND d.started_at < ${window.to}`;
    expect((await callRoute(getDoraRoute, `/api/v1/metrics/dora?from=${from}&to=${to}`)).body.current.deployments).toBe(stagingCount!.n);
    await putDefinitions(JSON.stringify({ productionEnvironments: null, failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"], leadTimeStart: "commit" }));
  });
});
