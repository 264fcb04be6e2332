// DORA: GET /api/v1/metrics/dora for the fleet, the busiest team and the busiest service over 30
// and 90 days, read from the daily rollups and the median sample tables; and the same days and
// medians computed from the raw deployments, commits and pull requests (computeDoraDaysFromRaw,
// computeDoraMediansFromRaw: the oracles) as the baseline.
// Replaces scripts/benchmark-dora.ts.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../../lib/generated/prisma/client";
import { computeDoraDaysFromRaw } from "../../../lib/metrics/compute-dora-from-raw";
import { computeDoraMediansFromRaw } from "../../../lib/metrics/compute-dora-medians-from-raw";
import type { DoraMetrics } from "../../../lib/metrics/get-dora-metrics";
import { alternate, percentile } from "../load";
import { describeFailures, loadShiplog, median, webCpuRow } from "../sql-baseline";
import type { BenchContext, Measurement, Scenario } from "../scenario";

const USERS = 10;
const RATE = 10;
const WINDOWS = [30, 90];
/** Rollup reads per case and round for the comparison (they take milliseconds). */
const ROLLUP_REPEATS = 5;

type DoraCase = { label: string; path: string };

export const scenario: Scenario = {
  id: "dora",
  title: "DORA metrics",
  run: async (context) => {
    const cases = await chooseCases(context);
    const load = await loadShiplog(
      context,
      cases.map((doraCase) => doraCase.path),
      { rate: RATE, connections: USERS },
    );

    // What each answer covered (scope ids, both windows, definitions): the raw side computes the same.
    const answers = await Promise.all(cases.map((doraCase) => fetchDora(context, doraCase.path)));
    const db = new PrismaClient({ adapter: new PrismaPg(context.pool) });
    try {
      const raw = async () => {
        let total = 0;
        for (const answer of answers) {
          const started = performance.now();
          await computeDoraDaysFromRaw(answer.scope, { from: new Date(answer.previousWindow.from), to: new Date(answer.window.to) }, answer.definitions, db);
          const window = { from: new Date(answer.window.from), to: new Date(answer.window.to), days: answer.window.days };
          await computeDoraMediansFromRaw({ scope: answer.scope, definitions: answer.definitions, window }, answer.granularity, db);
          total += performance.now() - started;
        }
        return total;
      };
      const rollups = async () => {
        const totals: number[] = [];
        for (let repeat = 0; repeat < ROLLUP_REPEATS; repeat += 1) {
          let total = 0;
          for (const doraCase of cases) {
            const started = performance.now();
            await fetchDora(context, doraCase.path);
            total += performance.now() - started;
          }
          totals.push(total);
        }
        return percentile(totals, 50);
      };
      const comparison = await alternate(context.durations.rounds, { baseline: raw, shiplog: rollups });
      const labels = cases.map((doraCase) => doraCase.label).join(", ");
      return [
        {
          scenario: "DORA metrics",
          metric: `p95 at ${USERS} users, ${RATE} req/s`,
          unit: "ms",
          baseline: null,
          shiplog: median(load.map((round) => round.latency.p95)),
          target: { op: "<=", value: 200, of: "shiplog" },
          note: `GET /api/v1/metrics/dora cycled over ${labels}; median of ${load.length} rounds.${describeFailures(load)}`,
        },
        webCpuRow("DORA metrics", load, "the scopes and windows above"),
        {
          scenario: "DORA metrics",
          metric: `all ${cases.length} scopes × windows once, one after another`,
          unit: "ms",
          baseline: median(comparison.baseline),
          shiplog: median(comparison.shiplog),
          target: { op: "<=", value: 0.1, of: "ratio" },
          note:
            `Target: rollups ≥ 10× faster than raw (ratio = Shiplog/baseline ≤ 0.1). Baseline: the same days and medians (current and previous window) computed from the raw rows ` +
            `by computeDoraDaysFromRaw and computeDoraMediansFromRaw through pg, in process; Shiplog: the API over HTTP with auth and JSON (median of ${ROLLUP_REPEATS} passes); median of ${comparison.shiplog.length} alternated rounds.`,
        },
      ] satisfies Measurement[];
    } finally {
      await db.$disconnect();
    }
  },
};

/** The fleet, the team and the service with the most deployments, each over 30 and 90 days. */
async function chooseCases(context: BenchContext): Promise<DoraCase[]> {
  const { rows } = await context.pool.query<{ team: string | null; service: string | null }>(`
    SELECT (SELECT t.slug FROM teams t JOIN deployments d ON d.team_id = t.id GROUP BY t.slug ORDER BY count(*) DESC LIMIT 1) AS team,
           (SELECT s.name FROM services s JOIN deployments d ON d.service_id = s.id GROUP BY s.name ORDER BY count(*) DESC LIMIT 1) AS service`);
  const { team, service } = rows[0] ?? { team: null, service: null };
  const scopes: { label: string; params: Record<string, string> }[] = [
    { label: "fleet", params: {} },
    ...(team ? [{ label: `team ${team}`, params: { team } }] : []),
    ...(service ? [{ label: `service ${service}`, params: { service } }] : []),
  ];
  return scopes.flatMap((scope) =>
    WINDOWS.map((days) => ({ label: `${scope.label} ${days} d`, path: `/api/v1/metrics/dora?${new URLSearchParams({ ...scope.params, days: String(days) })}` })),
  );
}

type DoraAnswer = Pick<DoraMetrics, "scope" | "definitions" | "granularity"> & {
  window: { from: string; to: string; days: number };
  previousWindow: { from: string; to: string };
};

async function fetchDora(context: BenchContext, path: string): Promise<DoraAnswer> {
  const response = await fetch(`${context.shiplogUrl}${path}`, { headers: { cookie: context.cookie } });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as DoraAnswer;
}
