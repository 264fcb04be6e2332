// Where is commit X: GET /api/v1/commits/{sha} for many known commits from all of history (running
// now, replaced long ago), full SHAs and 12-character prefixes, by 10 users at a fixed rate.
// The issue names no baseline.
import { describeFailures, loadShiplog, median, webCpuRow } from "../sql-baseline";
import type { Measurement, Scenario } from "../scenario";

const USERS = 10;
const RATE = 30;
const SAMPLE = 300;

export const scenario: Scenario = {
  id: "commit",
  title: "Where is commit X",
  run: async (context) => {
    // A spread over the whole history (md5 order is stable and unrelated to age or repository).
    const { rows } = await context.pool.query<{ sha: string }>(`SELECT sha FROM commits ORDER BY md5(id::text) LIMIT $1`, [SAMPLE]);
    if (rows.length === 0) return [{ scenario: "where is commit X", metric: `p95 at ${USERS} users`, unit: "ms", baseline: null, shiplog: null, target: { op: "<=", value: 50, of: "shiplog" }, note: "The fleet holds no commits." }];
    const paths = rows.map((row, index) => `/api/v1/commits/${index % 2 === 0 ? row.sha : row.sha.slice(0, 12)}`);
    const results = await loadShiplog(context, paths, { rate: RATE, connections: USERS });
    return [
      {
        scenario: "where is commit X",
        metric: `p95 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: null,
        shiplog: median(results.map((round) => round.latency.p95)),
        target: { op: "<=", value: 50, of: "shiplog" },
        note: `${rows.length} commits from all of history cycled, half as full SHAs, half as 12-character prefixes; median of ${results.length} rounds.${describeFailures(results)}`,
      },
      {
        scenario: "where is commit X",
        metric: `p50 at ${USERS} users, ${RATE} req/s`,
        unit: "ms",
        baseline: null,
        shiplog: median(results.map((round) => round.latency.p50)),
        target: null,
      },
      webCpuRow("where is commit X", results, "the lookups above"),
    ] satisfies Measurement[];
  },
};
