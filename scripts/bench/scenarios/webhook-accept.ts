// Webhook accept: signed GitHub and Argo CD deliveries (about half each, every one distinct) over
// HTTP, against Shiplog's /api/webhooks/* on the dedicated accept server (`npm run accept`, where
// a fleet's senders are pointed) and the plain http + pg baseline (scripts/bench/baselines/webhooks.ts)
// storing the same raw rows, alternately; once more flat out through `next start`, for comparison.
//
// First at a fixed 2,000/s for acceptSeconds (the issue's storm: achieved rate, p50 and p99),
// then flat out (events/s). "None lost" compares the 2xx answers of each Shiplog run with the
// rows stored for that run's deliveries. The first Shiplog fixed-rate run is the storm the
// processing scenario then watches drain (scripts/bench/storm.ts).
import { randomBytes } from "node:crypto";
import { alternate, type LoadResult } from "../load";
import type { BenchContext, Measurement, Scenario } from "../scenario";
import { median } from "../sql-baseline";
import { runWebhookLoad } from "../webhook-load";
import { acceptedStorm, countStored, markProjections } from "../storm";
import { createWebhookStream, readWebhookTargets, type WebhookStream, type WebhookTargets } from "../webhook-payloads";

const STORM_RATE = 2_000;
/** Enough concurrent senders that 2,000/s does not wait on round trips (each sends its share of the rate). */
const CONNECTIONS = 50;
/** Flat-out runs measure capacity; they need not last as long as the storm. */
const FLAT_OUT_MAX_SECONDS = 20;
/** Waves of CONNECTIONS concurrent deliveries per side before measuring. */
const WARM_UP_WAVES = 3;

export const scenario: Scenario = {
  id: "webhook-accept",
  title: "webhook accept",
  run: async (context) => {
    const targets = await readWebhookTargets(context.pool);
    const runs = new Runs(context, targets);
    const seconds = context.durations.acceptSeconds;
    await runs.warmUp();

    const fixed = await alternate(context.durations.rounds, {
      baseline: () => runs.run("baseline", { durationSeconds: seconds, rate: STORM_RATE }),
      shiplog: () => runs.run("shiplog", { durationSeconds: seconds, rate: STORM_RATE }),
    });
    const flatSeconds = Math.min(seconds, FLAT_OUT_MAX_SECONDS);
    const flat = await alternate(context.durations.rounds, {
      baseline: () => runs.run("baseline", { durationSeconds: flatSeconds }),
      shiplog: () => runs.run("shiplog", { durationSeconds: flatSeconds }),
    });
    // Diagnostic: the baseline's rows are never processed, Shiplog's are, by a worker sharing the
    // machine. One more flat-out run with the worker stopped (SIGSTOP, resumed right after) shows
    // how much of the gap is the accept path itself.
    const paused = await withWorkerPaused(context, () => runs.run("shiplog", { durationSeconds: flatSeconds }));
    // Diagnostic: the same routes served by `next start` instead of the accept server.
    const throughNext = await runs.run("next", { durationSeconds: flatSeconds });

    const shiplogRuns = [...fixed.shiplog, ...flat.shiplog, paused, throughNext];
    const lost = shiplogRuns.reduce((sum, run) => sum + run.lost, 0);
    const answered = shiplogRuns.reduce((sum, run) => sum + run.load.ok2xx, 0);
    const failures = describeFailures(shiplogRuns.map((run) => run.load));
    const rounds = `${context.durations.rounds} round(s) per side, ${CONNECTIONS} connections`;
    return [
      {
        scenario: "webhook accept",
        metric: `achieved rate at a fixed ${STORM_RATE}/s for ${seconds} s (worst round)`,
        unit: "events/s",
        baseline: Math.min(...fixed.baseline.map((run) => run.load.ok2xx / seconds)),
        shiplog: Math.min(...fixed.shiplog.map((run) => run.load.ok2xx / seconds)),
        target: { op: ">=", value: STORM_RATE, of: "shiplog" },
        note: `2xx answers per second of the run; ${rounds}; the worker drains the storm meanwhile.${failures}`,
      },
      {
        scenario: "webhook accept",
        metric: `p50 at ${STORM_RATE}/s (median round)`,
        unit: "ms",
        baseline: median(fixed.baseline.map((run) => run.load.latency.p50)),
        shiplog: median(fixed.shiplog.map((run) => run.load.latency.p50)),
        target: null,
      },
      {
        scenario: "webhook accept",
        metric: `p99 at ${STORM_RATE}/s (worst round)`,
        unit: "ms",
        baseline: Math.max(...fixed.baseline.map((run) => run.load.latency.p99)),
        shiplog: Math.max(...fixed.shiplog.map((run) => run.load.latency.p99)),
        target: { op: "<=", value: 100, of: "shiplog" },
        note: `${CONNECTIONS} senders, each its own autocannon run at ${STORM_RATE / CONNECTIONS}/s with its own second, started across the first second (driveLoad in load.ts), so a second's deliveries do not arrive as one burst.`,
      },
      {
        scenario: "webhook accept",
        metric: `flat out, ${flatSeconds} s (median round)`,
        unit: "events/s",
        baseline: median(flat.baseline.map((run) => run.load.ok2xx / flatSeconds)),
        shiplog: median(flat.shiplog.map((run) => run.load.ok2xx / flatSeconds)),
        target: null,
        note: `2xx answers per second; p99 baseline ${fmt(median(flat.baseline.map((run) => run.load.latency.p99)))} ms, Shiplog ${fmt(median(flat.shiplog.map((run) => run.load.latency.p99)))} ms.`,
      },
      {
        scenario: "webhook accept",
        metric: `flat out, ${flatSeconds} s, worker paused (diagnostic)`,
        unit: "events/s",
        baseline: median(flat.baseline.map((run) => run.load.ok2xx / flatSeconds)),
        shiplog: paused.load.ok2xx / flatSeconds,
        target: null,
        note: `Shiplog with its worker stopped for the run (its deliveries wait, then drain): the accept path alone; p99 ${fmt(paused.load.latency.p99)} ms.`,
      },
      {
        scenario: "webhook accept",
        metric: `flat out, ${flatSeconds} s, through next start (diagnostic)`,
        unit: "events/s",
        baseline: median(flat.baseline.map((run) => run.load.ok2xx / flatSeconds)),
        shiplog: throughNext.load.ok2xx / flatSeconds,
        target: null,
        note: `The same routes served by the web server instead of the accept server (npm run accept), worker running; p99 ${fmt(throughNext.load.latency.p99)} ms.`,
      },
      {
        scenario: "webhook accept",
        metric: "lost (2xx answered, no row stored)",
        unit: "count",
        baseline: null,
        shiplog: lost,
        target: { op: "<=", value: 0, of: "shiplog" },
        note: `${answered} deliveries answered 2xx over ${shiplogRuns.length} Shiplog runs, each checked against webhook_deliveries by its run tag.`,
      },
    ] satisfies Measurement[];
  },
};

type SideRun = { load: LoadResult; lost: number };

/** One load run per call, each with its own run tag, so its deliveries can be counted afterwards. */
class Runs {
  private count = 0;
  private readonly benchTag = `bench-${randomBytes(4).toString("hex")}`;

  constructor(
    private readonly context: BenchContext,
    private readonly targets: WebhookTargets,
  ) {}

  /**
   * Deliveries to each side first, unmeasured and concurrent: Next.js loads a route's code and
   * Prisma its query compiler on first use, and each side's pool opens its connections on the
   * first burst; all of that would otherwise land in the first measured second.
   */
  async warmUp(): Promise<void> {
    const stream = await createWebhookStream(this.context.fixturesDir, this.targets, this.context.webhooks, `${this.benchTag}-warmup`);
    for (const url of [this.context.baselineUrl, this.context.acceptUrl, this.context.shiplogUrl]) {
      for (let wave = 0; wave < WARM_UP_WAVES; wave += 1) {
        await Promise.all(
          stream.take(CONNECTIONS).map(async (request) => {
            const response = await fetch(`${url}${request.path}`, { method: "POST", headers: request.headers, body: request.body });
            await response.arrayBuffer();
          }),
        );
      }
    }
  }

  /** `shiplog`: the accept server, where fleets send; `next`: the same routes on the web server. */
  async run(side: "baseline" | "shiplog" | "next", options: { durationSeconds: number; rate?: number }): Promise<SideRun> {
    const runTag = `${this.benchTag}-${(this.count += 1)}`;
    const stream: WebhookStream = await createWebhookStream(this.context.fixturesDir, this.targets, this.context.webhooks, runTag);
    const isStorm = side === "shiplog" && options.rate !== undefined && !acceptedStorm.current;
    const marks = isStorm ? await markProjections(this.context.pool) : undefined;
    const startedAt = new Date();
    const load = await runWebhookLoad({
      url: { shiplog: this.context.acceptUrl, next: this.context.shiplogUrl, baseline: this.context.baselineUrl }[side],
      stream,
      connections: CONNECTIONS,
      ...options,
    });
    const endedAt = new Date();
    this.context.log(
      `  ${side} ${options.rate === undefined ? "flat out" : `at ${options.rate}/s`}: ${load.ok2xx} × 2xx, ${fmt(load.throughput)}/s, p99 ${fmt(load.latency.p99)} ms`,
    );
    if (side === "baseline") return { load, lost: 0 };
    if (marks) acceptedStorm.current = { runTag, startedAt, endedAt, marks, origin: "accept" };
    const stored = await countStored(this.context.pool, { runTag, startedAt });
    return { load, lost: Math.max(0, load.ok2xx - stored) };
  }
}

async function withWorkerPaused<T>(context: BenchContext, run: () => Promise<T>): Promise<T> {
  const { pid } = context.processes.worker;
  process.kill(pid, "SIGSTOP");
  try {
    return await run();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

function describeFailures(loads: LoadResult[]): string {
  const non2xx = loads.reduce((sum, load) => sum + load.non2xx, 0);
  const errors = loads.reduce((sum, load) => sum + load.errors + load.timeouts, 0);
  if (non2xx === 0 && errors === 0) return "";
  const statuses: Record<string, number> = {};
  for (const load of loads) for (const [status, n] of Object.entries(load.statusCounts)) statuses[status] = (statuses[status] ?? 0) + n;
  return ` Shiplog: ${non2xx} non-2xx (${JSON.stringify(statuses)}), ${errors} errors/timeouts.`;
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : "n/a");
