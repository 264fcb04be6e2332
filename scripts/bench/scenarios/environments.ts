// Environments view: GET /api/v1/environments/waiting (the fleet-wide "waiting for promotion" list:
// every service and environment's chain is worked out per request, then one page's lags measured),
// first pages for the whole fleet and per team, and GET /api/v1/services/{name}/environments for
// services spread over the fleet, by 10 users at a fixed rate. The issue names no baseline.
import { describeFailures, loadShiplog, median, webCpuRow } from "../sql-baseline";
import type { Measurement, Scenario } from "../scenario";

const USERS = 10;
const RATE = 10;
/** Services whose environments view is asked for, spread over the fleet. */
const SPREAD = 100;
/** Teams whose first page is asked for. */
const TEAMS = 10;

export const scenario: Scenario = {
  id: "environments",
  title: "Environments view",
  run: async (context) => {
    const [services, teams] = await Promise.all([
      context.pool.query<{ name: string }>(`SELECT name FROM services ORDER BY md5(name) LIMIT $1`, [SPREAD]),
      context.pool.query<{ slug: string }>(`SELECT slug FROM teams ORDER BY md5(slug) LIMIT $1`, [TEAMS]),
    ]);
    const waiting = ["/api/v1/environments/waiting", ...teams.rows.map((team) => `/api/v1/environments/waiting?team=${encodeURIComponent(team.slug)}`)];
    const perService = services.rows.map((service) => `/api/v1/services/${encodeURIComponent(service.name)}/environments`);
    const waitingResults = await loadShiplog(context, waiting, { rate: RATE, connections: USERS });
    const serviceResults = perService.length > 0 ? await loadShiplog(context, perService, { rate: RATE, connections: USERS }) : [];
    return [
      {
        scenario: "environments waiting",
        metric: `p95 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: null,
        shiplog: median(waitingResults.map((round) => round.latency.p95)),
        target: { op: "<=", value: 500, of: "shiplog" },
        note: `The first page (50) for the fleet and for ${teams.rows.length} teams, cycled; median of ${waitingResults.length} rounds.${describeFailures(waitingResults)}`,
      },
      webCpuRow("environments waiting", waitingResults, "the pages above"),
      {
        scenario: "service environments",
        metric: `p95 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: null,
        shiplog: serviceResults.length > 0 ? median(serviceResults.map((round) => round.latency.p95)) : null,
        target: { op: "<=", value: 100, of: "shiplog" },
        note: `${perService.length} services cycled; median of ${serviceResults.length} rounds.${describeFailures(serviceResults)}`,
      },
    ] satisfies Measurement[];
  },
};
