// `npm run benchmark:dora` (DATABASE_URL set): DORA for the fleet, a team and a service over 30
// and 90 days, read from the rollups (getDoraMetrics, 20 runs: p50/p95) against the same days
// computed from the raw rows (computeDoraDaysFromRaw, 2 runs: the faster). Load a fleet first,
// e.g. `npm run seed -- --services 5000 --applications 100000 --deployments 2000000 --bulk`.
import { parseArgs } from "node:util";
import { closeDb, getDb } from "../lib/db/client";
import { computeDoraDaysFromRaw } from "../lib/metrics/compute-dora-from-raw";
import { previousDoraWindow, resolveDoraWindow } from "../lib/metrics/dora-window";
import { getDoraDefinitions } from "../lib/metrics/get-dora-definitions";
import { getDoraMetrics } from "../lib/metrics/get-dora-metrics";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" }, "raw-runs": { type: "string", default: "2" } } });
const runs = Number(values.runs);
const rawRuns = Number(values["raw-runs"]);

const db = getDb();
const [latest] = await db.$queryRaw<{ now: Date; deployments: number }[]>`SELECT max(started_at) AS now, count(*)::int AS deployments FROM deployments`;
const now = latest!.now;
const [busiest] = await db.$queryRaw<{ team: string; service: string }[]>`
  SELECT t.slug AS team, s.name AS service FROM services s JOIN teams t ON t.id = s.team_id
  ORDER BY (SELECT count(*) FROM deployments d WHERE d.service_id = s.id) DESC LIMIT 1`;
const definitions = await getDoraDefinitions(db);
console.log(`${latest!.deployments} deployments, now = ${now.toISOString()}, team ${busiest!.team}, service ${busiest!.service}`);

const time = async (run: () => Promise<unknown>) => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};
const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;

for (const [label, scope] of [
  ["fleet", {}],
  ["team", { team: busiest!.team }],
  ["service", { service: busiest!.service }],
] as const) {
  for (const days of [30, 90]) {
    const rollup: number[] = [];
    for (let index = 0; index < runs; index += 1) rollup.push(await time(() => getDoraMetrics({ ...scope, days, now }, db)));
    const metrics = (await getDoraMetrics({ ...scope, days, now }, db))!;
    const window = resolveDoraWindow({ days, now });
    const range = { from: previousDoraWindow(window).from, to: window.to };
    const raw: number[] = [];
    for (let index = 0; index < rawRuns; index += 1) raw.push(await time(() => computeDoraDaysFromRaw(metrics.scope, range, definitions, db)));
    const rawBest = Math.min(...raw);
    console.log(
      `${label.padEnd(8)} ${String(days).padStart(2)} d: rollups p50 ${percentile(rollup, 50).toFixed(1)} ms, p95 ${percentile(rollup, 95).toFixed(1)} ms; ` +
        `raw ${rawBest.toFixed(0)} ms; ${(rawBest / percentile(rollup, 95)).toFixed(0)}× (p95 vs raw); ${metrics.current.deployments} production deployments`,
    );
  }
}
await closeDb();
