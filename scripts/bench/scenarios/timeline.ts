// Timeline API: GET /api/v1/deployments, the first page of 50 unfiltered and with each indexed
// filter (team, service, environment, cluster, status, initiated by, time range) by 10 users at a
// fixed rate against the same SQL run directly; then a page 10,000 rows deep against the first.
import { listDeployments, type ListDeploymentsOptions } from "../../../lib/deployments/list-deployments";
import type { DeploymentStatus } from "../../../lib/generated/prisma/enums";
import { alternate, runLoad } from "../load";
import { compareWithSql, describeFailures, median, shiplogHeaders, webCpuRow, type ReadCase } from "../sql-baseline";
import type { BenchContext, Measurement, Scenario } from "../scenario";

const USERS = 10;
const RATE = 30;
const PAGE = 50;
/** 200 pages of 50: the issue's page 10,000 rows deep. */
const DEEP_PAGES = 200;
const DAY_MS = 86_400_000;

export const scenario: Scenario = {
  id: "timeline",
  title: "Timeline API",
  run: async (context) => {
    const filters = await chooseFilters(context);
    const cases: ReadCase[] = [{}, ...filters].map((options) => ({ path: timelinePath(options), call: (db) => listDeployments(options, db) }));
    context.log(`timeline: first pages of ${cases.length} filters`);
    const firstPages = await compareWithSql(context, cases, { rate: RATE, connections: USERS });

    const deep = await findDeepCursor(context);
    context.log(`timeline: page ${deep.pages + 1} (${deep.pages * PAGE} rows deep)`);
    const load = (path: string) => () =>
      runLoad({
        url: context.shiplogUrl,
        requests: [{ path, headers: shiplogHeaders(context) }],
        connections: USERS,
        durationSeconds: context.durations.latencySeconds,
        rate: RATE,
      });
    const depth = await alternate(context.durations.rounds, { baseline: load(timelinePath({})), shiplog: load(deep.path) });
    const shallow = deep.pages < DEEP_PAGES ? ` This fleet holds fewer rows: the deepest page reached is ${deep.pages * PAGE} rows deep.` : "";

    return [
      {
        scenario: "timeline API",
        metric: `page of ${PAGE}, any indexed filter, p95 at ${USERS} users`,
        unit: "ms",
        baseline: median(firstPages.baseline.map((round) => round.latency.p95)),
        shiplog: median(firstPages.shiplog.map((round) => round.latency.p95)),
        target: { op: "<=", value: 50, of: "shiplog" },
        note:
          `First pages cycled: unfiltered and by ${[...new Set(filters.map(describeFilter))].join(", ")}; ${RATE} req/s; median of ${firstPages.shiplog.length} rounds. ` +
          `Baseline: the statements listDeployments issues for each (names to ids, then the page), captured from one call and replayed through pg at the same rate and users; no auth, no JSON.` +
          describeFailures(firstPages.shiplog),
      },
      {
        scenario: "timeline API",
        metric: `page of ${PAGE}, any indexed filter, p50 at ${USERS} users`,
        unit: "ms",
        baseline: median(firstPages.baseline.map((round) => round.latency.p50)),
        shiplog: median(firstPages.shiplog.map((round) => round.latency.p50)),
        target: null,
      },
      webCpuRow("timeline API", firstPages.shiplog, "the first pages above"),
      {
        scenario: "timeline API",
        metric: `page ${deep.pages * PAGE} rows deep vs first page, p95`,
        unit: "ms",
        baseline: median(depth.baseline.map((round) => round.latency.p95)),
        shiplog: median(depth.shiplog.map((round) => round.latency.p95)),
        target: { op: "<=", value: 1.5, of: "ratio" },
        note:
          `Both Shiplog, unfiltered, alternated at ${RATE} req/s by ${USERS} users: "baseline" is the first page, "Shiplog" the page after walking the keyset cursor ${deep.pages} pages once; the ratio is deep/first.` +
          shallow +
          describeFailures([...depth.baseline, ...depth.shiplog]),
      },
    ] satisfies Measurement[];
  },
};

/** Filter values that exist and hold deployments: the busiest of each kind, a few of each. */
async function chooseFilters(context: BenchContext): Promise<ListDeploymentsOptions[]> {
  const names = async (sql: string) => (await context.pool.query<{ name: string }>(sql)).rows.map((row) => row.name);
  const [services, teams, environments, clusters, statuses, initiators, latest] = await Promise.all([
    names(`SELECT s.name FROM services s JOIN (SELECT service_id, count(*) AS n FROM deployments GROUP BY 1 ORDER BY 2 DESC LIMIT 3) d ON d.service_id = s.id`),
    names(`SELECT t.slug AS name FROM teams t JOIN (SELECT team_id, count(*) AS n FROM deployments GROUP BY 1 ORDER BY 2 DESC LIMIT 3) d ON d.team_id = t.id`),
    names(`SELECT name FROM environments ORDER BY rank`),
    names(`SELECT c.name FROM clusters c JOIN (SELECT cluster_id, count(*) AS n FROM deployments GROUP BY 1 ORDER BY 2 DESC LIMIT 3) d ON d.cluster_id = c.id`),
    names(`SELECT DISTINCT status::text AS name FROM deployments`),
    names(`SELECT initiated_by AS name FROM deployments WHERE initiated_by IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 2`),
    context.pool.query<{ at: Date | null }>(`SELECT max(started_at) AS at FROM deployments`),
  ]);
  const now = latest.rows[0]?.at ?? new Date();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return [
    ...teams.map((team) => ({ team })),
    ...services.map((service) => ({ service })),
    ...environments.map((environment) => ({ environment })),
    ...clusters.map((cluster) => ({ cluster })),
    ...statuses.map((status) => ({ status: [status as DeploymentStatus] })),
    ...initiators.map((initiatedBy) => ({ initiatedBy })),
    // The last day, and a week a month back (a range the page must seek into).
    { from: before(1) },
    { from: before(37), to: before(30) },
  ];
}

function describeFilter(options: ListDeploymentsOptions): string {
  return Object.keys(options).join("+");
}

function timelinePath(options: Omit<ListDeploymentsOptions, "cursor">, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) {
    if (value instanceof Date) params.set(name, value.toISOString());
    else if (value !== undefined) params.set(name, String(value));
  }
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return `/api/v1/deployments${query ? `?${query}` : ""}`;
}

/** Walks the unfiltered timeline's keyset cursor up to 200 pages once; the path of the page it reaches. */
async function findDeepCursor(context: BenchContext): Promise<{ path: string; pages: number }> {
  let cursor: string | undefined;
  let pages = 0;
  while (pages < DEEP_PAGES) {
    const response = await fetch(`${context.shiplogUrl}${timelinePath({}, cursor)}`, { headers: { cookie: context.cookie } });
    if (!response.ok) throw new Error(`GET /api/v1/deployments (page ${pages + 1}) answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    pages += 1;
  }
  return { path: timelinePath({}, cursor), pages };
}
