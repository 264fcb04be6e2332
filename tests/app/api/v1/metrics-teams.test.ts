// The team comparison and the paged, grouped drill-downs against the 12-service demo fleet:
// every team's row equals GET /api/v1/metrics/dora?team=… for the same window, the order follows
// the chosen key, and walking a drill-down's pages gives exactly the one long list, with group
// counts equal to counting the rows directly.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listDeploymentsRoute } from "@/app/api/v1/metrics/dora/deployments/route";
import { GET as listIncidentsRoute } from "@/app/api/v1/metrics/dora/incidents/route";
import { GET as listLeadTimeRoute } from "@/app/api/v1/metrics/dora/lead-time/route";
import { GET as getDoraRoute } from "@/app/api/v1/metrics/dora/route";
import { GET as compareTeamsRoute } from "@/app/api/v1/metrics/teams/route";
import { getDb } from "@/lib/db/client";
import { classifyDoraTotals } from "@/lib/metrics/classify-dora-performance";
import { callRoute, seedSmallFleet, walkPages } from "../../../support/read-api";

const from = "2026-09-01";
const to = "2026-11-24";
const window = `from=${from}&to=${to}`;

type Row = { team: { slug: string; name: string }; current: Record<string, number | null>; levels: Record<string, string | null>; trend: { deployments: number }[] };

beforeAll(seedSmallFleet);

describe("GET /api/v1/metrics/teams", () => {
  it("gives every team the numbers of its own DORA answer, with the report's levels", async () => {
    const answer = await callRoute(compareTeamsRoute, `/api/v1/metrics/teams?${window}&per=week`);
    expect(answer.status).toBe(200);
    const teams = await getDb().team.findMany({ orderBy: { slug: "asc" } });
    expect(teams.length).toBeGreaterThan(1);
    expect(answer.body.teams.map((row: Row) => row.team.slug).sort()).toEqual(teams.map((team) => team.slug).sort());
    let withDeployments = 0;
    for (const row of answer.body.teams as Row[]) {
      const own = await callRoute(getDoraRoute, `/api/v1/metrics/dora?team=${row.team.slug}&${window}&per=week`);
      expect(row.current, row.team.slug).toEqual(own.body.current);
      expect(row.trend.map((point) => point.deployments)).toEqual(own.body.series.map((point: { deployments: number }) => point.deployments));
      expect(row.levels).toEqual(classifyDoraTotals(own.body.current));
      if (own.body.current.deployments > 0) withDeployments += 1;
    }
    expect(withDeployments).toBeGreaterThan(1);
    expect(answer.body.window).toEqual({ from: `${from}T00:00:00.000Z`, to: "2026-11-25T00:00:00.000Z", days: 85 });
  });

  it("sorts by a key best first, worst first with order=desc, teams without a value last", async () => {
    const rateOf = (row: Row) => row.current.changeFailureRate;
    const best = (await callRoute(compareTeamsRoute, `/api/v1/metrics/teams?${window}&sort=changeFailureRate`)).body.teams as Row[];
    const worst = (await callRoute(compareTeamsRoute, `/api/v1/metrics/teams?${window}&sort=changeFailureRate&order=desc`)).body.teams as Row[];
    const rates = best.map(rateOf).filter((rate): rate is number => rate !== null);
    expect(rates.length).toBeGreaterThan(1);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
    expect(worst.map(rateOf).filter((rate) => rate !== null)).toEqual([...rates].reverse());
    for (const list of [best, worst]) {
      const firstNull = list.findIndex((row) => rateOf(row) === null);
      if (firstNull >= 0) expect(list.slice(firstNull).every((row) => rateOf(row) === null)).toBe(true);
    }
    const frequency = (await callRoute(compareTeamsRoute, `/api/v1/metrics/teams?${window}&sort=deploymentFrequency`)).body.teams as Row[];
    const perDay = frequency.filter((row) => row.current.deployments! > 0).map((row) => row.current.deploymentsPerDay!);
    expect(perDay).toEqual([...perDay].sort((a, b) => b - a));
    const byName = (await callRoute(compareTeamsRoute, `/api/v1/metrics/teams?${window}&sort=team&order=desc`)).body.teams as Row[];
    expect(byName.map((row) => row.team.name)).toEqual(byName.map((row) => row.team.name).sort((a, b) => b.localeCompare(a, "en")));
  });

  it("answers 400 naming the parameter for a bad sort, order or window, and refuses a team scope", async () => {
    expect((await callRoute(compareTeamsRoute, "/api/v1/metrics/teams?sort=colour")).body.error.message).toBe(
      "sort: must be one of team, deploymentFrequency, leadTime, changeFailureRate, restore",
    );
    expect((await callRoute(compareTeamsRoute, "/api/v1/metrics/teams?order=up")).body.error.message).toBe("order: must be asc or desc");
    expect((await callRoute(compareTeamsRoute, "/api/v1/metrics/teams?days=0")).body.error.message).toBe("days: must be at least 1");
    expect((await callRoute(compareTeamsRoute, "/api/v1/metrics/teams?team=payments")).body.error.message).toBe("unknown query parameter: team");
  });
});

describe("the drill-downs, paged and grouped", () => {
  it("walking the pages of each drill-down gives the one long list, in the same order", async () => {
    for (const [route, path, limit] of [
      [listDeploymentsRoute, `/api/v1/metrics/dora/deployments?${window}&failed=true`, 7],
      [listDeploymentsRoute, `/api/v1/metrics/dora/deployments?${window}`, 97],
      [listLeadTimeRoute, `/api/v1/metrics/dora/lead-time?${window}`, 9],
      [listIncidentsRoute, `/api/v1/metrics/dora/incidents?${window}`, 3],
    ] as const) {
      const whole = await callRoute(route, `${path}&limit=500`);
      expect(whole.body.total, path).toBeGreaterThan(limit);
      expect(whole.body.total, path).toBeLessThanOrEqual(500);
      expect(whole.body.nextCursor).toBeNull();
      const walked = await walkPages(route, `${path}&limit=${limit}`);
      expect(walked.items, path).toEqual(whole.body.items);
      expect(walked.pages).toBe(Math.ceil(whole.body.total / limit));
    }
  });

  it("counts the whole list per team and per service in the database, whichever page is asked", async () => {
    const counted = await getDb().$queryRaw<{ team: string | null; service: string; n: number }[]>`
      SELECT t.slug AS team, s.name AS service, count(*)::int AS n
      FROM deployments d JOIN environments e ON e.id = d.environment_id AND e.is_production
      JOIN services s ON s.id = d.service_id LEFT JOIN teams t ON t.id = d.team_id
      WHERE d.status IN ('FAILED', 'DEGRADED', 'ROLLED_BACK') AND d.started_at >= ${from}::date AND d.started_at < ${to}::date + 1
      GROUP BY t.slug, s.name`;
    const sum = (rows: typeof counted, key: "team" | "service") => {
      const totals = new Map<string | null, number>();
      for (const row of rows) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.n);
      return totals;
    };
    const first = await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?${window}&failed=true&limit=5&group=team`);
    const second = await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?${window}&failed=true&limit=5&group=team&cursor=${first.body.nextCursor}`);
    expect(second.body.groups).toEqual(first.body.groups);
    const byTeam = first.body.groups as { by: string; count: number; items: { key: string | null; name: string; count: number }[] };
    expect(byTeam.by).toBe("team");
    expect(new Map(byTeam.items.map((group) => [group.key, group.count]))).toEqual(sum(counted, "team"));
    expect(byTeam.count).toBe(byTeam.items.length);
    const counts = byTeam.items.map((group) => group.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    const byService = (await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?${window}&failed=true&limit=5&group=service`)).body.groups;
    expect(new Map(byService.items.map((group: { key: string; count: number }) => [group.key, group.count]))).toEqual(sum(counted, "service"));

    const commits = await callRoute(listLeadTimeRoute, `/api/v1/metrics/dora/lead-time?${window}&limit=1&group=service`);
    expect(commits.body.groups.items.reduce((total: number, group: { count: number }) => total + group.count, 0)).toBe(commits.body.total);
    const incidents = await callRoute(listIncidentsRoute, `/api/v1/metrics/dora/incidents?${window}&limit=1&group=team`);
    expect(incidents.body.groups.items.reduce((total: number, group: { count: number }) => total + group.count, 0)).toBe(incidents.body.total);
    expect((await callRoute(listIncidentsRoute, `/api/v1/metrics/dora/incidents?${window}&limit=1`)).body.groups).toBeNull();
  });

  it("refuses a cursor it did not make and an unknown grouping, naming the parameter", async () => {
    const deployments = await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?${window}&limit=1`);
    const message = "cursor: is not a cursor this endpoint returned (pass nextCursor back unchanged)";
    expect((await callRoute(listLeadTimeRoute, `/api/v1/metrics/dora/lead-time?${window}&cursor=${deployments.body.nextCursor}`)).body.error.message).toBe(message);
    expect((await callRoute(listDeploymentsRoute, `/api/v1/metrics/dora/deployments?cursor=not-a-cursor`)).body.error.message).toBe(message);
    const unknown = await callRoute(listIncidentsRoute, "/api/v1/metrics/dora/incidents?group=region");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe("group: must be one of team, service");
  });
});
