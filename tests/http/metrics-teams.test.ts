// GET /api/v1/metrics/teams over real HTTP against `next start` on the suite's seeded fleet: for
// every team, the comparison's numbers, levels and trend equal what GET /api/v1/metrics/dora
// answers for that team alone (the 15 calls the comparison replaces), for two windows.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { classifyDoraTotals } from "../../lib/metrics/classify-dora-performance";
import { e2eViewer } from "../support/sign-in";

const baseUrl = inject("shiplogUrl");
let cookie: string;

beforeAll(async () => {
  ({ cookie } = await e2eViewer());
});

async function get(path: string): Promise<any> {
  const response = await fetch(new URL(path, baseUrl), { headers: { cookie } });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return response.json();
}

describe("GET /api/v1/metrics/teams over HTTP", () => {
  it.each(["days=30", "days=90&per=week"])("equals the per-team DORA answer for every team (%s)", async (window) => {
    const comparison = await get(`/api/v1/metrics/teams?${window}`);
    expect(comparison.teams.length).toBeGreaterThan(1);
    let withDeployments = 0;
    for (const row of comparison.teams) {
      const own = await get(`/api/v1/metrics/dora?team=${encodeURIComponent(row.team.slug)}&${window}`);
      expect(row.current, row.team.slug).toEqual(own.current);
      expect(row.levels, row.team.slug).toEqual(classifyDoraTotals(own.current));
      expect(row.trend, row.team.slug).toEqual(own.series.map(({ start, deployments, failures }: Record<string, unknown>) => ({ start, deployments, failures })));
      if (own.current.deployments > 0) withDeployments += 1;
    }
    expect(withDeployments).toBeGreaterThan(1);
    expect(comparison.window).toEqual((await get(`/api/v1/metrics/dora?${window}`)).window);
  });

  it("answers 400 naming the parameter, and 401 without a session", async () => {
    const bad = await fetch(new URL("/api/v1/metrics/teams?sort=speed", baseUrl), { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^sort: must be one of /);
    expect((await fetch(new URL("/api/v1/metrics/teams", baseUrl))).status).toBe(401);
  });
});
