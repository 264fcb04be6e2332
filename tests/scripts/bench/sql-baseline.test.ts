// The read scenarios' baseline: the SQL a lib read issues, captured from one call and replayed
// through pg, and the paced runner that replays it at the HTTP side's rate.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "../../../lib/db/client";
import { databaseUrl } from "../../../lib/env";
import { listDeployments } from "../../../lib/deployments/list-deployments";
import { seedDemoFleet } from "../../../prisma/demo-fleet/seed-demo-fleet";
import { captureSql, replaySql, runPaced } from "../../../scripts/bench/sql-baseline";

let pool: pg.Pool;
let team: string;

beforeAll(async () => {
  await seedDemoFleet(getDb(), { services: 4, now: new Date("2026-11-24T12:00:00Z"), lanes: 1 });
  pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 });
  const { rows } = await pool.query<{ slug: string }>(`SELECT t.slug FROM teams t JOIN deployments d ON d.team_id = t.id LIMIT 1`);
  team = rows[0]!.slug;
});

afterAll(async () => {
  await pool.end();
});

describe("captureSql", () => {
  test("records a timeline page's statements in order with their values: the filter's names to ids, then the page", async () => {
    const stages = await captureSql(databaseUrl(), (db) => listDeployments({ team, limit: 5 }, db));

    expect(stages).toHaveLength(2);
    expect(stages[0]).toHaveLength(1);
    expect(stages[0]![0]!.text).toContain("FROM teams WHERE slug");
    expect(stages[0]![0]!.values).toContain(team);
    expect(stages[1]![0]!.text).toContain("FROM deployments d");
  });

  test("replaying the captured page returns the rows the lib function returned", async () => {
    const page = await listDeployments({ team, limit: 5 });
    const stages = await captureSql(databaseUrl(), (db) => listDeployments({ team, limit: 5 }, db));
    const last = stages.at(-1)![0]!;

    const replayed = await pool.query({ text: last.text, values: last.values });

    expect(replayed.rows.slice(0, 5).map((row: { id: number }) => row.id)).toEqual(page.items.map((item) => item.id));
    await expect(replaySql(pool, stages)).resolves.toBeUndefined();
  });

  test("statements issued while another runs share a stage; a warm-up call is left out", async () => {
    let calls = 0;
    const stages = await captureSql(
      databaseUrl(),
      async (db) => {
        calls += 1;
        await Promise.all([db.$queryRaw`SELECT ${calls}::int AS a FROM pg_sleep(0.05)`, db.$queryRaw`SELECT ${calls}::int AS b FROM pg_sleep(0.05)`]);
        await db.$queryRaw`SELECT ${calls}::int AS c`;
      },
      { warmUp: true },
    );

    expect(calls).toBe(2);
    expect(stages.map((stage) => stage.length)).toEqual([2, 1]);
    expect(stages.flat().every((statement) => statement.values.includes(2))).toBe(true);
  });
});

describe("runPaced", () => {
  test("never starts more calls than the rate allows over the run, nor more at once than the connections", async () => {
    let running = 0;
    let mostAtOnce = 0;
    const result = await runPaced(
      async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running -= 1;
      },
      { rate: 40, connections: 2, seconds: 0.5 },
    );

    expect(result.calls).toBeGreaterThan(0);
    expect(result.calls).toBeLessThanOrEqual(20);
    expect(mostAtOnce).toBeLessThanOrEqual(2);
    expect(result.latency.p50).toBeGreaterThan(0);
  });
});
