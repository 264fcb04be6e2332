// The contract between `npm run bench` (scripts/bench/run-bench.ts) and its scenarios
// (scripts/bench/scenarios/*.ts). The runner prepares the fleet, starts Shiplog (web server and
// worker as separate processes), the baseline server and the load tools, then runs each scenario
// in turn with a BenchContext. A scenario returns measurements; the runner prints them as one
// table (scenario, baseline, Shiplog, ratio, target, pass or falls short) and writes them as JSON.
// Thresholds live only in the report: a scenario never throws because a target was missed.
import type pg from "pg";

export type BenchSize = {
  /** "tiny" (npm test), "small" (a quick look), "full" (the 5,000 / 100,000 / 2,000,000) or "custom". */
  name: string;
  services: number;
  applications: number;
  deployments: number;
};

/** How long each kind of load lasts; a smaller size shortens them all. */
export type BenchDurations = {
  /** Sustained webhook accept (full: 300 s). */
  acceptSeconds: number;
  /** Each latency run of a read scenario, per side per round (full: 20 s). */
  latencySeconds: number;
  /** Rounds of baseline/Shiplog alternation for comparisons (full: 3). */
  rounds: number;
  /** Longest wait for the processing storm to drain (full: 600 s). */
  drainLimitSeconds: number;
};

export type ShiplogProcess = {
  pid: number;
  /** Resident set size now, in MiB, read from /proc/<pid>/status (VmRSS); children included. */
  rssMiB: () => Promise<number>;
};

export type BenchContext = {
  size: BenchSize;
  durations: BenchDurations;
  /** Shiplog's base URL, no trailing slash (`next start`, inline worker off). */
  shiplogUrl: string;
  /**
   * The dedicated accept server (`npm run accept`, lib/ingest/accept/webhook-server.ts) on the same
   * database: where the webhook scenarios send, as a fleet's senders are pointed in production.
   */
  acceptUrl: string;
  /** The plain Node `http` + `pg` baseline server (scripts/bench/baseline-server.ts), no trailing slash. */
  baselineUrl: string;
  /** The bench database Shiplog uses (a fresh copy of the generated fleet for each run). */
  databaseUrl: string;
  /** A pool on that database, for baselines that run SQL directly and for checks (lost events). */
  pool: pg.Pool;
  /** Cookie header of a signed-in fleet-wide admin (Better Auth session), for every /api/v1 and page request. */
  cookie: string;
  /** Credentials the web server was started with. */
  webhooks: { githubSecret: string; argocdToken: string; buildToken: string };
  /** The running processes, for memory readings. */
  processes: { web: ShiplogProcess; worker: ShiplogProcess };
  /** Directory of the real payloads kept in the repository (tests/fixtures). */
  fixturesDir: string;
  log: (line: string) => void;
};

export type Target = {
  /** "<=": Shiplog must be at most value; ">=": at least value. */
  op: "<=" | ">=";
  value: number;
  /** Applies to the Shiplog figure, or to the ratio Shiplog/baseline (e.g. deep page ≤ 1.5× first page). */
  of: "shiplog" | "ratio";
};

export type Measurement = {
  /** Scenario group, e.g. "fleet matrix API". */
  scenario: string;
  /** What was measured, e.g. "p95 at 10 users". */
  metric: string;
  unit: "ms" | "s" | "events/s" | "MiB" | "KiB" | "count" | "×";
  /** Same-run baseline figure, or null where the issue names none. */
  baseline: number | null;
  shiplog: number | null;
  target: Target | null;
  /** Why a figure is missing, how it was obtained, or why it falls short. */
  note?: string;
};

export type Scenario = {
  /** Short id used by `npm run bench -- --only <id>`, e.g. "fleet-matrix". */
  id: string;
  title: string;
  run: (context: BenchContext) => Promise<Measurement[]>;
};
