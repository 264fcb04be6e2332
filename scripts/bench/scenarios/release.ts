// Release drill-down: GET /api/v1/releases/{id} for many different releases across services,
// the biggest rollouts among them, by 10 users at a fixed rate. The issue names no baseline.
import { describeFailures, loadShiplog, median, webCpuRow } from "../sql-baseline";
import type { Measurement, Scenario } from "../scenario";

const USERS = 10;
const RATE = 20;
/** Releases with the most deployments: the drill-downs with the longest rollouts. */
const BIGGEST = 20;
/** Plus one release of each of this many services, spread over the fleet. */
const SPREAD = 200;

export const scenario: Scenario = {
  id: "release",
  title: "Release drill-down",
  run: async (context) => {
    const { rows } = await context.pool.query<{ id: number }>(
      `(SELECT release_id AS id FROM deployments WHERE release_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT $1)
       UNION
       (SELECT id FROM (SELECT DISTINCT ON (service_id) id, service_id FROM releases ORDER BY service_id, md5(id::text)) r ORDER BY md5(service_id::text) LIMIT $2)`,
      [BIGGEST, SPREAD],
    );
    if (rows.length === 0) return [{ scenario: "release drill-down", metric: `p95 at ${USERS} users`, unit: "ms", baseline: null, shiplog: null, target: { op: "<=", value: 100, of: "shiplog" }, note: "The fleet holds no releases." }];
    const results = await loadShiplog(context, rows.map((row) => `/api/v1/releases/${row.id}`), { rate: RATE, connections: USERS });
    return [
      {
        scenario: "release drill-down",
        metric: `p95 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: null,
        shiplog: median(results.map((round) => round.latency.p95)),
        target: { op: "<=", value: 100, of: "shiplog" },
        note: `${rows.length} releases cycled: the ${BIGGEST} with the most deployments and one of each of up to ${SPREAD} services; median of ${results.length} rounds.${describeFailures(results)}`,
      },
      {
        scenario: "release drill-down",
        metric: `p50 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: null,
        shiplog: median(results.map((round) => round.latency.p50)),
        target: null,
      },
      webCpuRow("release drill-down", results, "the releases above"),
    ] satisfies Measurement[];
  },
};
