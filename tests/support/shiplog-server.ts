// globalSetup of the e2e project (vitest.config.ts): one real Shiplog per run for browser specs
// and real-HTTP tests. Builds Next if stale, copies the migrated template into a database of
// its own, loads a 12-service demo fleet as of a fixed instant (plus a little trouble, see
// demo-fleet-trouble.ts), starts `next start` on a free
// port with test webhook credentials, and provides the base URL, database URL and credentials.
// Tests that need a server of their own (another database, the inline worker on) call
// startShiplogServer.
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { TestProject } from "vitest/node";
import { TEST_AUTH_SECRET } from "../../lib/auth/auth-secret";
import type { Grant } from "../../lib/auth/roles";
import { createDb } from "../../lib/db/client";
import { holdFreshBuild } from "../../lib/ops/hold-fresh-build";
import { startWebServer } from "../../lib/ops/start-web-server";
import { seedDemoFleetIfEmpty } from "../../prisma/demo-fleet/seed-demo-fleet";
import { rebuildDoraRollups } from "../../lib/metrics/rebuild-dora-rollups";
import { recordDemoFleetTrouble } from "./demo-fleet-trouble";
import { createDatabase, freePort } from "./postgres-admin";
import { type TestUser, signIn } from "./sign-in";
import { waitUntilReady } from "../../lib/ops/wait-until-ready";

export type WebhookCredentials = { argocdToken: string; buildToken: string; githubSecret: string; fluxSecret: string };

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the running Shiplog, e.g. http://127.0.0.1:41234 (no trailing slash). */
    shiplogUrl: string;
    /** The database that server uses; tests read it to know what the pages should show. */
    shiplogDatabaseUrl: string;
    /** The demo fleet's "now" (ISO). Pages still render relative to the real clock. */
    demoFleetNow: string;
    webhookCredentials: WebhookCredentials;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

/** Small enough to seed in seconds, big enough to have every environment and degraded apps. */
const DEMO_SERVICES = 12;
/**
 * Noon UTC of the day before the run, so a run seeds the same fleet whenever in the day it
 * starts (names, counts, states; timestamps move with the day). It lies in the past: the page
 * counts "deployments in the last 24 h / 7 days" and words times against the real clock, so
 * tests compute those from the database at test time rather than expect constants. It follows
 * the clock because the fleet page draws the real last 30 days: a fixed 2026-11-01 left them
 * empty from December on, and the trend spec waited for bars that never came.
 */
const DAY_MS = 86_400_000;
const DEMO_NOW = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS / 2);

const credentials: WebhookCredentials = {
  argocdToken: "e2e-argocd-token",
  buildToken: "e2e-build-token",
  githubSecret: "e2e-github-secret",
  fluxSecret: "e2e-flux-secret",
};

const log = (line: string) => console.log(`[e2e] ${line}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export async function setup(project: TestProject) {
  const cleanups: Array<() => Promise<unknown>> = [];
  const teardown = async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
      await cleanup().catch((error: unknown) => console.error(`[e2e] while stopping: ${String(error)}`));
    }
  };

  try {
    const started = performance.now();
    const buildLock = await holdFreshBuild({ root, log, waiter: "test run" });
    cleanups.push(() => buildLock.release());

    let step = performance.now();
    const database = await createDatabase(project.getProvidedContext().serverUrl, {
      prefix: "shiplog_e2e",
      template: project.getProvidedContext().templateDatabase,
    });
    cleanups.push(() => database.drop());
    const db = createDb(database.url);
    try {
      const { summary } = await seedDemoFleetIfEmpty(db, { services: DEMO_SERVICES, now: DEMO_NOW });
      await recordDemoFleetTrouble(db, { services: DEMO_SERVICES, now: DEMO_NOW });
      // No worker (and so no DORA refresher) runs in the e2e server: bring the rollups up to date.
      await rebuildDoraRollups(db);
      log(`demo fleet of ${summary?.applications} applications seeded in ${seconds(step)}`);
    } finally {
      await db.$disconnect();
    }

    step = performance.now();
    const server = await startShiplogServer(database.url);
    cleanups.push(() => server.stop());
    const { url } = server;
    log(`next start answering on ${url} after ${seconds(step)}; e2e setup took ${seconds(started)}`);

    project.provide("shiplogUrl", url);
    project.provide("shiplogDatabaseUrl", database.url);
    project.provide("demoFleetNow", DEMO_NOW.toISOString());
    project.provide("webhookCredentials", credentials);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

/**
 * Starts `next start` (the build the e2e setup left fresh) on a free port against `databaseUrl`
 * and waits until /api/ready answers. `env` overrides the test server's settings, e.g.
 * SHIPLOG_INLINE_WORKER=true for a server that processes what it receives, as in production.
 */
export async function startShiplogServer(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; stop: () => Promise<void>; signIn: (grants: Grant[]) => Promise<TestUser> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = startWebServer({ root, mode: "start", port, env: { ...serverEnv(databaseUrl, port), ...env } });
  try {
    await server.waitUntilAnswering(60_000);
    // /api/ready opens the server's Prisma client, so the first timed request (a webhook's 1.5 s
    // database deadline) does not pay for loading it; it also proves the schema is current.
    await waitUntilReady(url, 30_000);
  } catch (error) {
    await server.stop(5_000);
    throw error;
  }
  let db: ReturnType<typeof createDb> | undefined;
  return {
    url,
    stop: async () => {
      await server.stop(5_000);
      await db?.$disconnect();
    },
    // A user of this server's own database (its sessions are not the main e2e server's).
    signIn: (grants: Grant[]) => {
      db ??= createDb(databaseUrl);
      return signIn(grants, { db });
    },
  };
}

function serverEnv(databaseUrl: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    ARGOCD_WEBHOOK_TOKENS: credentials.argocdToken,
    BUILD_WEBHOOK_TOKENS: credentials.buildToken,
    GITHUB_WEBHOOK_SECRET: credentials.githubSecret,
    FLUX_WEBHOOK_SECRET: credentials.fluxSecret,
    // The seeded fleet must stay as seeded while pages are checked against the database:
    // no worker turning the tests' webhooks into applications, no polling of a real Argo CD
    // named in a developer's .env.
    SHIPLOG_INLINE_WORKER: "false",
    ARGOCD_INSTANCES: "",
    LOG_LEVEL: "warn",
    // The tests' own secret, so session cookies made in the test process (tests/support/sign-in.ts) are valid here.
    SHIPLOG_AUTH_SECRET: TEST_AUTH_SECRET,
    SHIPLOG_PUBLIC_URL: `http://127.0.0.1:${port}`,
    // Every test and browser reaches this server from 127.0.0.1, one address for a whole run:
    // the API's limits would count the suite, not a client. tests/http/rate-limits.test.ts
    // starts a server of its own with them on; sign-in's limits stay as installed.
    SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: "0",
    SHIPLOG_API_RATE_LIMIT_PER_TOKEN: "0",
  };
}

