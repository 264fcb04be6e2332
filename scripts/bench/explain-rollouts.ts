// EXPLAIN (ANALYZE, BUFFERS) of the rollout reads on the bench's fleet template, for
// docs/api.md's cost figures: the rollouts beside the timeline's first page, the biggest
// release's rollout view and the commonest sidecar tag's image view, each through lib/rollouts
// (timed, median of 5) and its main statement explained. Run after `npm run bench -- --size <s>`
// has generated the template:
//   node --import tsx --conditions=react-server scripts/bench/explain-rollouts.ts [small|full]
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb } from "../../lib/db/client";
import { startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { listDeployments } from "../../lib/deployments/list-deployments";
import { getImageRollout } from "../../lib/rollouts/get-image-rollout";
import { getReleaseRollout } from "../../lib/rollouts/get-release-rollout";
import { listPageRollouts } from "../../lib/rollouts/list-page-rollouts";
import { freePortOnLoopback } from "../../lib/ops/free-port";
import { withDatabase } from "./prepare-fleet";

const size = process.argv[2] ?? "small";
const root = path.resolve(import.meta.dirname, "../..");
const embedded = await startEmbeddedPostgres({ dataDir: path.join(root, ".shiplog/bench-postgres"), port: await freePortOnLoopback(), database: "postgres" });
const url = withDatabase(embedded.url, `shiplog_bench_tpl_${size}`);
const db = createDb(url);
const pool = new pg.Pool({ connectionString: url, max: 1 });

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const times: number[] = [];
  let result!: T;
  for (let round = 0; round < 5; round += 1) {
    const start = performance.now();
    result = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)})`);
  return result;
}

async function explain(label: string, sql: string, values: unknown[]): Promise<void> {
  const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values);
  console.log(`\n--- ${label}\n${rows.map((row) => row["QUERY PLAN"]).join("\n")}\n`);
}

try {
  const counts = await pool.query(`SELECT (SELECT count(*) FROM applications) AS applications, (SELECT count(*) FROM deployments) AS deployments`);
  console.log(`fleet ${size}: ${JSON.stringify(counts.rows[0])}; load average ${(await import("node:os")).loadavg().map((n) => n.toFixed(1)).join(" ")}`);
  const page = await listDeployments({ limit: 50 }, db);
  const rollouts = await timed("rollouts of the timeline's first page (50 rows)", () => listPageRollouts(page.items, { db }));
  console.log(`  ${rollouts.length} rollouts, ${rollouts.reduce((sum, rollout) => sum + rollout.counts.applications, 0)} applications counted`);
  const keys = rollouts.map((rollout) => [rollout.release.id, rollout.environment] as const);
  await explain(
    "rollout cells of the first page",
    `WITH rollouts AS (
      SELECT DISTINCT k.release_id, e.id AS environment_id, r.service_id
      FROM unnest($1::int[], $2::text[]) AS k(release_id, environment)
      JOIN releases r ON r.id = k.release_id JOIN environments e ON e.name = k.environment),
    reached AS (
      SELECT d.release_id, d.application_id,
        (array_agg(d.status::text ORDER BY d.started_at DESC, d.id DESC))[1] AS last_status,
        (array_agg(d.finished_at ORDER BY d.started_at DESC, d.id DESC))[1] AS last_finished_at,
        min(d.started_at) AS first_started_at
      FROM rollouts k JOIN deployments d ON d.release_id = k.release_id AND d.environment_id = k.environment_id
      GROUP BY d.release_id, d.application_id),
    facts AS (
      SELECT k.release_id, a.environment_id, a.cluster_id,
        (a.deleted_at IS NULL AND a.current_release_id IS NOT DISTINCT FROM k.release_id) AS on_release,
        a.health_status::text AS health, x.last_status, x.first_started_at, x.last_finished_at,
        x.application_id IS NOT NULL AND x.last_finished_at IS NULL AS unfinished
      FROM rollouts k JOIN applications a ON a.service_id = k.service_id AND a.environment_id = k.environment_id
      LEFT JOIN reached x ON x.release_id = k.release_id AND x.application_id = a.id
      WHERE a.deleted_at IS NULL OR x.application_id IS NOT NULL OR a.current_release_id = k.release_id)
    SELECT f.release_id, f.environment_id, e.name, c.name, f.on_release, f.health, f.last_status, count(*)
    FROM facts f JOIN environments e ON e.id = f.environment_id JOIN clusters c ON c.id = f.cluster_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    [keys.map((key) => key[0]), keys.map((key) => key[1])],
  );

  const { rows: biggest } = await pool.query<{ id: number; deployments: number }>(
    `SELECT release_id AS id, count(*)::int AS deployments FROM deployments WHERE release_id IS NOT NULL GROUP BY release_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const release = await timed(`release rollout view, release ${biggest[0]!.id} (${biggest[0]!.deployments} deployments)`, () => getReleaseRollout(biggest[0]!.id, {}, { db }));
  console.log(`  ${release!.counts.applications} applications on ${release!.counts.clusters} clusters`);

  const { rows: sidecar } = await pool.query<{ ref: string; n: number }>(
    `SELECT image AS ref, count(*)::int AS n FROM applications a, unnest(a.images) AS image WHERE image LIKE '%/platform/%' GROUP BY image ORDER BY count(*) DESC LIMIT 1`,
  );
  if (sidecar[0]) {
    const image = await timed(`image rollout view, ${sidecar[0].ref}`, () => getImageRollout({ ref: sidecar[0]!.ref }, { db }));
    console.log(`  ${image.counts.applications} applications in scope, ${image.counts.running} running it, ${image.image.services} services`);
    const repository = sidecar[0].ref.slice(0, sidecar[0].ref.lastIndexOf(":"));
    await explain(
      "image scope scan",
      `SELECT count(*) FROM applications a WHERE a.deleted_at IS NULL AND EXISTS (
        SELECT 1 FROM unnest(a.images) AS i(image) WHERE i.image = $1 OR starts_with(i.image, $2) OR starts_with(i.image, $3))`,
      [sidecar[0].ref, `${repository}:`, `${repository}@`],
    );
  }
} finally {
  await pool.end();
  await db.$disconnect();
  await embedded.stop();
}
