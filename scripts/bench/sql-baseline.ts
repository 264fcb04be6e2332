// "The same SQL run directly": the baseline of the read scenarios. The statements a lib read
// function issues for one request are captured by calling it once in the bench process through a
// Prisma client whose pg pool records every query (text and bound values, as the adapter sends
// them), then replayed through the bench pool at the same rate and concurrency as the HTTP side.
// Capturing rather than copying the SQL keeps the baseline honest when the lib query changes.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { type LoadOptions, type LoadResult, alternate, percentile, runLoad } from "./load";
import { processTreeCpuMs } from "./process-cpu";
import type { BenchContext, Measurement } from "./scenario";

export type CapturedStatement = { text: string; values: unknown[] };

/**
 * One request's statements in the order issued, as stages: statements issued while another was
 * still running (a Promise.all in the lib function) share a stage and are replayed together.
 */
export type CapturedRequest = CapturedStatement[][];

/**
 * Runs `call` once with a fresh Prisma client on `databaseUrl` and returns the statements it
 * issued. Call it with the lib function the route handler calls, with the same options.
 */
export async function captureSql(
  databaseUrl: string,
  call: (db: PrismaClient) => Promise<unknown>,
  { warmUp = false }: { warmUp?: boolean } = {},
): Promise<CapturedRequest> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const stages: CapturedRequest = [];
  let inFlight = 0;
  let recording = false;
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  // The adapter calls pool.query({ text, values, rowMode, types }) for every statement.
  (pool as unknown as { query: (config: pg.QueryConfig) => Promise<pg.QueryResult> }).query = async (config) => {
    if (recording) {
      if (inFlight === 0 || stages.length === 0) stages.push([]);
      stages[stages.length - 1]!.push({ text: config.text, values: [...(config.values ?? [])] });
    }
    inFlight += 1;
    try {
      return await query(config);
    } finally {
      inFlight -= 1;
    }
  };
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    // Prisma's first query loads its query compiler; it is not part of any request.
    await db.$queryRaw`SELECT 1`;
    // A call made once unrecorded fills the lib function's own caches, as in a running Shiplog.
    if (warmUp) await call(db);
    recording = true;
    await call(db);
    return stages;
  } finally {
    recording = false;
    await db.$disconnect();
    await pool.end();
  }
}

/** Runs one captured request: stage after stage, a stage's statements at once. */
export async function replaySql(pool: pg.Pool, request: CapturedRequest): Promise<void> {
  for (const stage of request) {
    await Promise.all(stage.map((statement) => pool.query({ text: statement.text, values: statement.values, rowMode: "array" })));
  }
}

export type PacedResult = { calls: number; throughput: number; latency: { p50: number; p95: number; p99: number; max: number } };

/**
 * Calls `run` at `rate` calls/s over all `connections` for `seconds` (autocannon's overallRate,
 * for work that is not an HTTP request): call i starts at i/rate s, or when a connection frees
 * up if all are busy. Latency is from the call's start to its end.
 */
export async function runPaced(run: (index: number) => Promise<unknown>, options: { rate: number; connections: number; seconds: number }): Promise<PacedResult> {
  const samples: number[] = [];
  const begin = performance.now();
  const end = begin + options.seconds * 1000;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const due = begin + (index * 1000) / options.rate;
      if (due >= end) return;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const started = performance.now();
      await run(index);
      samples.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.connections) }, worker));
  const elapsed = (performance.now() - begin) / 1000;
  return {
    calls: samples.length,
    throughput: samples.length / elapsed,
    latency: { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), max: Math.max(...samples) },
  };
}

/** The middle of the rounds' figures (rounds alternate sides, so one noisy round does not decide). */
export function median(values: number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** One distinct API request and the lib call its route handler makes for it. */
export type ReadCase = {
  path: string;
  call: (db: PrismaClient) => Promise<unknown>;
  /** Capture the second of two calls: what a request costs once the function's caches are warm. */
  warmUp?: boolean;
};

export type ReadComparison = { baseline: PacedResult[]; shiplog: ShiplogRound[] };

/** One load run against Shiplog, with the web server's CPU time per answered request. */
export type ShiplogRound = LoadResult & { webCpuMsPerRequest: number };

/** runLoad against Shiplog, reading the web server's CPU time before and after. */
export async function runShiplogLoad(context: BenchContext, options: Omit<LoadOptions, "url">): Promise<ShiplogRound> {
  const before = await processTreeCpuMs(context.processes.web.pid);
  const result = await runLoad({ url: context.shiplogUrl, ...options });
  const used = (await processTreeCpuMs(context.processes.web.pid)) - before;
  return { ...result, webCpuMsPerRequest: result.requests > 0 ? used / result.requests : Number.NaN };
}

/** The row saying what a request costs the web server in CPU, whatever the machine's load. */
export function webCpuRow(scenario: string, rounds: ShiplogRound[], what: string): Measurement {
  return {
    scenario,
    metric: "web server CPU per request",
    unit: "ms",
    baseline: null,
    shiplog: median(rounds.map((round) => round.webCpuMsPerRequest)),
    target: null,
    note: `CPU (user + system) of next start and its children over the load runs of ${what} ÷ requests answered: auth, lib read, JSON, gzip; unlike latency, not inflated by waiting for a busy machine.`,
  };
}

/**
 * Shiplog over HTTP (the admin's cookie, compression accepted) against the captured SQL of the
 * same requests through the bench pool, both cycling through `cases` at `rate` requests/s over
 * `connections` users, alternated for `context.durations.rounds` rounds.
 */
export async function compareWithSql(
  context: BenchContext,
  cases: ReadCase[],
  options: { rate: number; connections: number },
): Promise<ReadComparison> {
  const captured: CapturedRequest[] = [];
  for (const readCase of cases) captured.push(await captureSql(context.databaseUrl, readCase.call, { warmUp: readCase.warmUp }));
  const requests = cases.map((readCase) => ({ path: readCase.path, headers: shiplogHeaders(context) }));
  const seconds = context.durations.latencySeconds;
  await warmUpShiplog(context, requests.map((request) => request.path));
  // alternate() takes one result type for both sides; each side fills its own half.
  const rounds = await alternate<{ paced?: PacedResult; load?: ShiplogRound }>(context.durations.rounds, {
    baseline: async () => ({ paced: await runPaced((index) => replaySql(context.pool, captured[index % captured.length]!), { ...options, seconds }) }),
    shiplog: async () => ({ load: await runShiplogLoad(context, { requests, connections: options.connections, durationSeconds: seconds, rate: options.rate }) }),
  });
  return { baseline: rounds.baseline.map((round) => round.paced!), shiplog: rounds.shiplog.map((round) => round.load!) };
}

/** Shiplog at `rate` over `connections` users for the run's latency duration, `rounds` times. */
export async function loadShiplog(context: BenchContext, paths: string[], options: { rate: number; connections: number }): Promise<ShiplogRound[]> {
  await warmUpShiplog(context, paths);
  const results: ShiplogRound[] = [];
  for (let round = 0; round < context.durations.rounds; round += 1) {
    results.push(
      await runShiplogLoad(context, {
        requests: paths.map((path) => ({ path, headers: shiplogHeaders(context) })),
        connections: options.connections,
        durationSeconds: context.durations.latencySeconds,
        rate: options.rate,
      }),
    );
  }
  return results;
}

/**
 * Requests each path once before timing: a fresh `next start` loads a route's code, and Prisma
 * its query compiler, on first use, which would otherwise land in a short run's percentiles.
 */
export async function warmUpShiplog(context: BenchContext, paths: string[]): Promise<void> {
  for (const path of [...new Set(paths)]) {
    const response = await fetch(`${context.shiplogUrl}${path}`, { headers: { cookie: context.cookie } });
    await response.arrayBuffer();
  }
}

/** What a browser sends the read API: the session cookie, and that it takes compressed answers. */
export function shiplogHeaders(context: BenchContext): Record<string, string> {
  return { cookie: context.cookie, "accept-encoding": "gzip, br" };
}

/** A note's account of failed requests, empty when every answer was 2xx. */
export function describeFailures(results: LoadResult[]): string {
  const failed = results.reduce((sum, result) => sum + result.non2xx + result.errors, 0);
  if (failed === 0) return "";
  const statuses = new Map<string, number>();
  for (const result of results) for (const [status, count] of Object.entries(result.statusCounts)) if (!status.startsWith("2")) statuses.set(status, (statuses.get(status) ?? 0) + count);
  const listed = [...statuses].map(([status, count]) => `${count}× ${status}`).join(", ");
  return ` ${failed} requests failed (${listed || "connection errors"}): the figures include them.`;
}
