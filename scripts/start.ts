// `npm start`: one command from a fresh clone to a running Shiplog.
//   settings → PORT free? → PostgreSQL (embedded, or DATABASE_URL checked) → migrations
//   → demo fleet into an empty database → `next build` if stale → `next start` → the sign-in address (and a first
//   start's administrator and one-time password) printed as the last lines.
// Ctrl-C / SIGTERM stops the web server, then PostgreSQL, and exits 0. An embedded PostgreSQL
// that exits on its own is restarted (EMBEDDED_POSTGRES_RESTARTS); once it cannot be, or the web
// server exits, the launcher stops the rest and exits 1 so a supervisor can restart it. Every
// step lives in lib/ops/; this file only orders them and owns the process's signals and exit code.
//
// Run with `node --import tsx --conditions=react-server` (see package.json): the condition
// makes `server-only` (imported by lib/db/client.ts) resolve to its empty module, as in
// Next's server bundles. `--dev` runs `next dev` instead of building.
import { performance } from "node:perf_hooks";
import path from "node:path";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import { createDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { type Config, ConfigError, config, useAuthSecret, useDatabaseUrl } from "../lib/env";
import { buildIfStale } from "../lib/ops/build-if-stale";
import { describeWebhookEndpoints } from "../lib/ops/describe-webhook-endpoints";
import { ensureAuthSecret } from "../lib/ops/ensure-auth-secret";
import { describeSignIn } from "../lib/ops/describe-sign-in";
import { type FirstAdmin, ensureFirstAdmin } from "../lib/ops/ensure-first-admin";
import { ensurePortFree } from "../lib/ops/ensure-port-free";
import { startDatabase } from "../lib/ops/start-database";
import { describeExit, startWebServer } from "../lib/ops/start-web-server";
import { StartupError } from "../lib/startup-error";
import { seedDemoFleetIfEmpty } from "../prisma/demo-fleet/seed-demo-fleet";

const root = path.resolve(import.meta.dirname, "..");
const startedAt = performance.now();
const log = (line: string) => console.log(`[shiplog] ${line}`);

// Importing embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM/SIGHUP handlers
// stop PostgreSQL first and exit 130. The launcher must stop the web server before the
// database and exit 0, so it takes these signals over; that hook's 'exit' handler stays as
// a last resort that still signals PostgreSQL if the launcher dies of an error.
const shutdownSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
for (const signal of shutdownSignals) process.removeAllListeners(signal);

/** Undo steps, run last-first on any exit: stop the web server, then the database. */
const cleanups: Array<() => Promise<unknown>> = [];
const aborter = new AbortController();
let exiting = false;

async function exit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    aborter.abort(new Error("shutting down"));
  }
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
    await cleanup().catch((error: unknown) => console.error(`[shiplog] while stopping: ${String(error)}`));
  }
  process.exit(code);
}

for (const signal of shutdownSignals) {
  process.on(signal, () => {
    // npm forwards the terminal's Ctrl-C to us as well, so a second signal is usual: ignore it.
    if (exiting) return;
    log(`${signal} received: stopping`);
    void exit(0);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dev: { type: "boolean", default: false } } });
  const mode = values.dev ? "dev" : "start";

  // The same .env files, in the same order, as the Next server will read.
  nextEnv.loadEnvConfig(root, mode === "dev", { info: () => undefined, error: console.error });
  const settings = config();

  await ensurePortFree(settings.PORT);

  log(settings.DATABASE_URL ? "checking DATABASE_URL…" : "starting the embedded PostgreSQL…");
  const database = await startDatabase(settings, { log, signal: aborter.signal });
  cleanups.push(async () => {
    await database.stop();
    if (database.embedded) log("PostgreSQL stopped");
  });
  // Whatever step is running (a build, serving): a database that cannot be brought back ends the run.
  void database.failed.then((error) => {
    if (exiting) return;
    console.error(`[shiplog] ${error.message} Stopping Shiplog.`);
    void exit(1);
  });
  useDatabaseUrl(database.url);
  log(`database: ${database.description}`);

  const migrated = await migrate(database.url, { log });
  log(migrated.applied.length > 0 ? `applied ${migrated.applied.length} migration(s)` : "schema is up to date");

  if (settings.SHIPLOG_SEED === "demo") await seedDemoFleet(database.url, settings.SHIPLOG_DEMO_SERVICES);

  const authSecret = await ensureAuthSecret(settings);
  if (authSecret.source === "generated") log(`generated SHIPLOG_AUTH_SECRET and kept it in ${authSecret.file}`);
  useAuthSecret(authSecret.secret);
  const admin = await createFirstAdmin(database.url, { ...settings, SHIPLOG_AUTH_SECRET: authSecret.secret });

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // What Next itself would set; it warns about any other value (e.g. "test").
    NODE_ENV: mode === "dev" ? "development" : "production",
    DATABASE_URL: database.url,
    PORT: String(settings.PORT),
    NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
    SHIPLOG_AUTH_SECRET: authSecret.secret,
  };

  if (mode === "start") {
    const build = await buildIfStale({ root, env: childEnv, log, signal: aborter.signal });
    if (!build.built) log(`using the existing build (${build.reason})`);
  }

  const web = startWebServer({ root, mode, port: settings.PORT, env: childEnv });
  cleanups.push(async () => {
    await web.stop();
    log("web server stopped");
  });
  // `next dev` compiles the first route it is asked for, which takes longer.
  await web.waitUntilAnswering(mode === "dev" ? 180_000 : 60_000, aborter.signal);

  const db = createDb(database.url);
  try {
    for (const line of await describeWebhookEndpoints(db, settings, { embedded: database.embedded })) log(line);
  } finally {
    await db.$disconnect();
  }

  // The last lines of the start: nothing Shiplog prints comes after them until it stops.
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  for (const line of describeSignIn(settings, admin, seconds)) log(line);

  const exited = await web.exited;
  if (exiting) return;
  console.error(`[shiplog] the web server exited unexpectedly (${describeExit(exited)}); stopping PostgreSQL.`);
  await exit(1);
}

/**
 * The first start creates an administrator. Its credentials are printed at the very end of the
 * start (describeSignIn), after the build's output; here only that it was made.
 */
async function createFirstAdmin(url: string, settings: Config): Promise<FirstAdmin> {
  const db = createDb(url);
  try {
    const admin = await ensureFirstAdmin(db, settings);
    if (admin.created) log(`created the administrator ${admin.email}; how to sign in is printed once Shiplog is ready`);
    return admin;
  } finally {
    await db.$disconnect();
  }
}

/** Fills an empty database with the demo fleet; a database with data is left alone. */
async function seedDemoFleet(url: string, services: number): Promise<void> {
  const db = createDb(url);
  try {
    log(`loading a demo fleet of ${services} services if the database is empty (SHIPLOG_SEED=none skips this)…`);
    const result = await seedDemoFleetIfEmpty(db, { services, log });
    if (!result.seeded) {
      log("the database already holds data: not loading the demo fleet");
      return;
    }
    const { seconds, ...counts } = result.summary ?? { seconds: 0 };
    const summary = Object.entries(counts)
      .map(([name, count]) => `${count} ${name}`)
      .join(", ");
    log(`demo fleet loaded in ${seconds.toFixed(1)} s: ${summary}`);
  } finally {
    await db.$disconnect();
  }
}

main().catch(async (error: unknown) => {
  if (exiting) return; // a step interrupted by Ctrl-C: exit() is already running
  console.error(`\n${describeFailure(error)}\n`);
  await exit(1);
});

function describeFailure(error: unknown): string {
  if (error instanceof ConfigError) {
    return `Shiplog could not start. ${error.message}\nFix these settings in the environment or in .env (see .env.example).`;
  }
  if (error instanceof StartupError) {
    const setting = error.setting && !error.message.includes(error.setting) ? `\nSetting to check: ${error.setting}.` : "";
    return `Shiplog could not start: ${error.message}${setting}`;
  }
  return `Shiplog could not start: unexpected error.\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
