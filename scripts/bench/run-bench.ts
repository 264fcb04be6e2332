// `npm run bench -- [--size tiny|small|full] [--services N --applications N --deployments N]
//                   [--only id,id] [--out file.json] [--fresh]`
// Prepares the fleet (a template generated once per size, copied for each run), starts Shiplog as
// in production (`next start` with the inline worker off, the worker as its own process), the
// plain http + pg baseline server and a signed-in admin, runs every scenario in
// scripts/bench/scenarios, prints the table and writes it as JSON. Without DATABASE_URL it runs
// an embedded PostgreSQL of its own under .shiplog/bench-postgres. Missing a target never fails
// the run; a scenario that throws becomes a row with no figure and the error as its note.
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { createLocalUser, signInLocal } from "../../lib/auth/create-local-user";
import { createAuth } from "../../lib/auth/get-auth";
import { createDb } from "../../lib/db/client";
import { startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { config, useAuthSecret, useDatabaseUrl } from "../../lib/env";
import { freePortOnLoopback } from "../../lib/ops/free-port";
import { holdFileLock } from "../../lib/ops/hold-file-lock";
import { holdFreshBuild } from "../../lib/ops/hold-fresh-build";
import { startWebServer } from "../../lib/ops/start-web-server";
import { shiplogProcess, startAcceptServer, startBaselineServer, startWorker } from "./bench-processes";
import { type BenchSizeName, benchSizes, durationsFor } from "./bench-sizes";
import { startMemorySampler } from "./memory-sampler";
import { prepareFleet } from "./prepare-fleet";
import { type BenchReport, type ReportedMeasurement, formatTable, reportMeasurement } from "./report";
import type { BenchContext, BenchSize, Scenario } from "./scenario";
import { waitUntilReady } from "../../lib/ops/wait-until-ready";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scenariosDir = path.join(root, "scripts/bench/scenarios");

/**
 * Reads before writes (the storm and its drain would otherwise sit in the tables the reads time),
 * the browser after the HTTP reads, memory last so its peaks cover the whole run.
 */
const SCENARIO_ORDER = ["fleet-matrix", "timeline", "release", "environments", "commit", "dora", "live-update", "browser-fleet", "webhook-accept", "processing", "rollout"];

const BENCH_AUTH_SECRET = "shiplog-bench-secret-not-for-production-0123456789";
const webhooks = { githubSecret: "bench-github-secret", argocdToken: "bench-argocd-token", buildToken: "bench-build-token" };

/** The embedded server's settings for a bench: room for the fleet's hot rows, commits stay durable. */
const EMBEDDED_SETTINGS = {
  shared_buffers: "2GB",
  effective_cache_size: "8GB",
  work_mem: "16MB",
  maintenance_work_mem: "512MB",
  max_wal_size: "8GB",
  checkpoint_timeout: "15min",
  // synchronous_commit stays on: the webhook target is about durable accept.
};

const log = (line: string) => console.log(`[bench] ${line}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

type Args = { size: BenchSize; only: string[] | undefined; out: string | undefined; fresh: boolean };

function parseBenchArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: "string", default: "full" },
      services: { type: "string" },
      applications: { type: "string" },
      deployments: { type: "string" },
      only: { type: "string", multiple: true },
      out: { type: "string" },
      fresh: { type: "boolean", default: false },
    },
  });
  if (!(values.size in benchSizes)) throw new UsageError(`--size must be one of ${Object.keys(benchSizes).join(", ")} (got ${values.size})`);
  let size: BenchSize = { ...benchSizes[values.size as BenchSizeName] };
  const custom = { services: values.services, applications: values.applications, deployments: values.deployments };
  if (Object.values(custom).some((value) => value !== undefined)) {
    const number = (name: keyof typeof custom) => {
      const raw = custom[name];
      if (raw === undefined) return size[name];
      const value = Number(raw.replace(/_/g, ""));
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive whole number (got ${raw})`);
      return value;
    };
    size = { name: "custom", services: number("services"), applications: number("applications"), deployments: number("deployments") };
  }
  const only = values.only?.flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
  return { size, only: only && only.length > 0 ? only : undefined, out: values.out, fresh: values.fresh };
}

class UsageError extends Error {}

/** Every scenario module on disk, in SCENARIO_ORDER (unknown ids after the known ones, memory last). */
async function loadScenarios(only: string[] | undefined): Promise<Scenario[]> {
  const files = (await readdir(scenariosDir).catch(() => [] as string[])).filter((file) => file.endsWith(".ts")).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const imported = (await import(pathToFileURL(path.join(scenariosDir, file)).href)) as { scenario?: Scenario };
    if (!imported.scenario) throw new Error(`scripts/bench/scenarios/${file} does not export scenario: Scenario`);
    scenarios.push(imported.scenario);
  }
  const rank = (id: string) => (id === "memory" ? Infinity : SCENARIO_ORDER.includes(id) ? SCENARIO_ORDER.indexOf(id) : SCENARIO_ORDER.length);
  scenarios.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  if (!only) return scenarios;
  const unknown = only.filter((id) => !scenarios.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new UsageError(`unknown scenario id(s) ${unknown.join(", ")}; there are ${scenarios.map((s) => s.id).join(", ")}`);
  return scenarios.filter((scenario) => only.includes(scenario.id));
}

function gitCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit}+uncommitted` : commit;
  } catch {
    return "unknown";
  }
}

/** Pages and routes the scenarios time, each requested once before any timing starts. */
const WARM_UP_PATHS = ["/", "/timeline", "/metrics", "/api/v1/fleet/matrix", "/api/v1/deployments?limit=50", "/api/v1/services", "/api/v1/metrics/dora"];

/**
 * `next start` loads a route's code on its first request, which can take seconds on a busy
 * machine; a short latency run would then time module loading, not Shiplog serving the fleet.
 */
async function warmUp(url: string, cookie: string): Promise<void> {
  for (const target of WARM_UP_PATHS) {
    const response = await fetch(`${url}${target}`, { headers: { cookie }, signal: AbortSignal.timeout(60_000) }).catch((error: unknown) => error as Error);
    if (response instanceof Error) log(`warm-up of ${target} failed: ${response.message}`);
    else {
      await response.arrayBuffer();
      if (!response.ok) log(`warm-up of ${target} answered ${response.status}`);
    }
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const scenarios = await loadScenarios(args.only);
  const durations = durationsFor(args.size);
  const startedAt = new Date();
  // Undone in reverse order at the end; `child` marks the processes the bench started.
  const cleanups: Array<{ what: string; run: () => Promise<unknown>; child?: boolean }> = [];
  const attempt = (cleanup: (typeof cleanups)[number]) =>
    cleanup.run().catch((error: unknown) => console.error(`[bench] while stopping ${cleanup.what}: ${String(error)}`));
  const cleanUp = async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await attempt(cleanup);
  };
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping everything the bench started…`);
      // embedded-postgres exits the process as soon as its server has stopped, which can be
      // before a sequential clean-up reaches the web server: every child gets SIGTERM at once
      // first (each stop sends it synchronously), then the rest is undone in order.
      const children = cleanups.filter((cleanup) => cleanup.child);
      const stopping = Promise.all(children.map(attempt));
      cleanups.splice(0, cleanups.length, ...cleanups.filter((cleanup) => !cleanup.child));
      void stopping.then(cleanUp).finally(() => process.exit(130));
    });
  }

  try {
    log(`size ${args.size.name}: ${args.size.services} services, ${args.size.applications} applications, ${args.size.deployments} deployments; scenarios: ${scenarios.map((s) => s.id).join(", ") || "(none on disk)"}`);
    let serverUrl = process.env.DATABASE_URL;
    const embeddedServer = !serverUrl;
    if (!serverUrl) {
      const step = performance.now();
      // One embedded cluster per working tree: a second bench run waits for the first.
      const clusterLock = await holdFileLock(path.join(root, ".shiplog/bench-postgres.lock"), "exclusive", {
        timeoutMs: 3 * 3_600_000,
        onWait: () => log("waiting for another bench run to finish with .shiplog/bench-postgres…"),
      });
      cleanups.push({ what: "the bench PostgreSQL lock", run: clusterLock.release });
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(root, ".shiplog/bench-postgres"),
        port: await freePortOnLoopback(),
        database: "postgres",
        settings: EMBEDDED_SETTINGS,
      });
      cleanups.push({ what: "the embedded PostgreSQL", run: embedded.stop });
      serverUrl = embedded.url;
      log(`embedded PostgreSQL started under .shiplog/bench-postgres in ${seconds(step)}`);
    }

    const fleet = await prepareFleet(serverUrl, args.size, { fresh: args.fresh, log, dropAbandonedRuns: embeddedServer });
    cleanups.push({ what: `the run database ${fleet.database}`, run: fleet.drop });
    useDatabaseUrl(fleet.url);
    useAuthSecret(BENCH_AUTH_SECRET);

    let step = performance.now();
    const buildLock = await holdFreshBuild({ root, log, waiter: "run (test or bench)" });
    cleanups.push({ what: "the build lock", run: buildLock.release });

    const port = await freePortOnLoopback();
    const shiplogUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      DATABASE_URL: fleet.url,
      GITHUB_WEBHOOK_SECRET: webhooks.githubSecret,
      ARGOCD_WEBHOOK_TOKENS: webhooks.argocdToken,
      BUILD_WEBHOOK_TOKENS: webhooks.buildToken,
      SHIPLOG_INLINE_WORKER: "false",
      // No polling of a real Argo CD or GitHub named in a developer's .env.
      ARGOCD_INSTANCES: "",
      GITHUB_WEBHOOK_HOOKS: "",
      LOG_LEVEL: "warn",
      SHIPLOG_AUTH_SECRET: BENCH_AUTH_SECRET,
      SHIPLOG_PUBLIC_URL: shiplogUrl,
      // The load comes from one address (and a few tokens) by design: the API's limits would
      // measure themselves, not the read path.
      SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: "0",
      SHIPLOG_API_RATE_LIMIT_PER_TOKEN: "0",
    };
    const web = startWebServer({ root, mode: "start", port, env });
    cleanups.push({ what: "next start", run: () => web.stop(10_000), child: true });
    await web.waitUntilAnswering(120_000);
    await waitUntilReady(shiplogUrl, 60_000);
    if (web.pid === undefined) throw new Error("next start has no process id");
    log(`Shiplog (next start) answering on ${shiplogUrl} after ${seconds(step)}`);

    step = performance.now();
    const worker = await startWorker(root, env);
    cleanups.push({ what: "the worker", run: () => worker.stop(15_000), child: true });
    const baseline = await startBaselineServer(root, env);
    cleanups.push({ what: "the baseline server", run: () => baseline.stop(5_000), child: true });
    const accept = await startAcceptServer(root, env, await freePortOnLoopback());
    cleanups.push({ what: "the accept server", run: () => accept.stop(10_000), child: true });
    log(`worker (pid ${worker.pid}), baseline server (${baseline.url}) and accept server (${accept.url}) started in ${seconds(step)}`);

    const db = createDb(fleet.url);
    cleanups.push({ what: "the sign-in client", run: () => db.$disconnect() });
    const auth = createAuth(db, config());
    const admin = await createLocalUser(auth, db, { email: `bench-admin-${process.pid}@shiplog.test`, grants: [{ role: "admin", teamId: null }] });
    const cookie = await signInLocal(auth, admin.email, admin.password);

    step = performance.now();
    await warmUp(shiplogUrl, cookie);
    log(`warmed up the pages and API routes in ${seconds(step)}`);

    const pool = new pg.Pool({ connectionString: fleet.url, max: 10 });
    cleanups.push({ what: "the bench pool", run: () => pool.end() });
    const processes = { web: shiplogProcess(web.pid), worker };
    const sampler = startMemorySampler(processes);
    cleanups.push({ what: "the memory sampler", run: async () => sampler.stop() });

    const context: BenchContext = {
      size: args.size,
      durations,
      shiplogUrl,
      acceptUrl: accept.url,
      baselineUrl: baseline.url,
      databaseUrl: fleet.url,
      pool,
      cookie,
      webhooks,
      processes,
      fixturesDir: path.resolve(root, "tests/fixtures"),
      log: (line) => log(line),
    };

    const measurements: ReportedMeasurement[] = [];
    const timings: BenchReport["scenarios"] = [];
    for (const scenario of scenarios) {
      if (interrupted) break;
      const begun = performance.now();
      log(`— ${scenario.id}: ${scenario.title}`);
      try {
        const rows = await scenario.run(context);
        for (const row of rows) measurements.push({ scenarioId: scenario.id, ...reportMeasurement(row) });
        timings.push({ id: scenario.id, title: scenario.title, seconds: (performance.now() - begun) / 1000, error: null });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`[bench] ${scenario.id} failed:`, error);
        measurements.push({
          scenarioId: scenario.id,
          ...reportMeasurement({ scenario: scenario.title, metric: "scenario failed", unit: "count", baseline: null, shiplog: null, target: null, note: `${scenario.id} threw: ${message}` }),
        });
        timings.push({ id: scenario.id, title: scenario.title, seconds: (performance.now() - begun) / 1000, error: message });
      }
      log(`  ${scenario.id} took ${seconds(begun)}`);
    }

    const { rows: version } = await pool.query<{ server_version: string }>("SHOW server_version");
    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        postgres: version[0]?.server_version ?? "unknown",
      },
      size: args.size,
      fleet: fleet.counts,
      durations,
      gitCommit: gitCommit(),
      fleetGenerationSeconds: fleet.generationSeconds,
      scenarios: timings,
      measurements,
    };

    console.log(`\n${formatTable(measurements)}\n`);
    // The default place keeps every run and the latest under a fixed name; --out (a test, a
    // one-off) writes only where it is told.
    const outDir = path.join(root, ".shiplog/bench");
    const out = path.resolve(args.out ?? path.join(outDir, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`));
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    if (args.out === undefined) {
      const latest = path.join(outDir, "bench-latest.json");
      await copyFile(out, latest);
      log(`results written to ${path.relative(process.cwd(), out)} and ${path.relative(process.cwd(), latest)}`);
    } else {
      log(`results written to ${path.relative(process.cwd(), out)}`);
    }
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `npm run bench: ${error.message}` : error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
