// Issue 13, section 6: PostgreSQL goes away (a fast shutdown, as a managed database restarting;
// SIGKILL, as a crash) and comes back, under a real `next start` and a real `npm run worker`.
// While it is gone every answer is a quick 503 (readiness included) and nothing hangs; once it
// is back, without restarting anything, /api/ready is 200 again, the worker applies a new
// webhook at once (its poll interval here is a minute, so only its re-subscribed LISTEN can wake
// it), and an open timeline stream, which stayed open throughout, is told to refetch and then
// hears the new deployment through the web server's re-subscribed LISTEN. Both processes still
// stop promptly on SIGTERM while the database is down.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { startShiplogServer } from "../support/shiplog-server";
import { type RestartablePostgres, startRestartablePostgres } from "../support/restartable-postgres";
import { argocdApplication } from "../support/webhooks";

const root = path.resolve(import.meta.dirname, "../..");
const { argocdToken } = inject("webhookCredentials");

let postgres: RestartablePostgres;
let web: Awaited<ReturnType<typeof startShiplogServer>>;
let cookie: string;
let worker: { child: ChildProcess; output: () => string; exited: Promise<number | null> };
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  cleanups.unshift(() => postgres.dispose());
  web = await startShiplogServer(postgres.url, { SHIPLOG_INLINE_WORKER: "false" });
  cleanups.unshift(() => web.stop());
  ({ cookie } = await web.signIn([{ role: "viewer", teamId: null }]));
  worker = startWorker(postgres.url);
  cleanups.unshift(async () => {
    if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await worker.exited;
  });
  // Up and listening before anything is taken away: the worker's LISTEN session is in pg_stat_activity.
  const db = createDb(postgres.url);
  try {
    await until(async () => {
      const [row] = await db.$queryRaw<{ listening: bigint }[]>`
        SELECT count(*) AS listening FROM pg_stat_activity WHERE query = 'LISTEN "shiplog_deliveries"'`;
      return row && row.listening > 0n ? true : undefined;
    }, 60_000, "the worker's LISTEN");
  } finally {
    await db.$disconnect();
  }
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error(error));
});

function startWorker(databaseUrl: string) {
  // A minute between polls: a delivery applied within seconds was announced by LISTEN.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts", "--concurrency", "2", "--poll-interval-ms", "60000"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, ARGOCD_INSTANCES: "", LOG_LEVEL: "info", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms\nworker output:\n${worker.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; ms: number; retryAfter: string | null }> {
  const started = Date.now();
  const response = await fetch(new URL(pathname, web.url), { headers, signal: AbortSignal.timeout(20_000) });
  await response.arrayBuffer();
  return { status: response.status, ms: Date.now() - started, retryAfter: response.headers.get("retry-after") };
}

type SseEvent = { event: string; data: string };

async function openStream(): Promise<{ events: SseEvent[]; close: () => void }> {
  const abort = new AbortController();
  const response = await fetch(new URL("/api/v1/deployments/stream", web.url), { signal: abort.signal, headers: { accept: "text/event-stream", cookie } });
  expect(response.status).toBe(200);
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const lines = buffer.slice(0, end).split("\n");
          buffer = buffer.slice(end + 2);
          const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
          if (event) events.push({ event, data: lines.find((line) => line.startsWith("data: "))?.slice(6) ?? "" });
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { events, close: () => abort.abort() };
}

/** Argo CD's on-deployed notification for a new application `restart-<name>`. */
async function syncNotification(name: string): Promise<string> {
  const app = structuredClone(await argocdApplication()) as Record<string, any>;
  const startedAt = new Date(Date.now() - 120_000).toISOString();
  const finishedAt = new Date(Date.now() - 60_000).toISOString();
  app.metadata.name = `restart-${name}`;
  app.metadata.uid = `uid-restart-${name}`;
  app.metadata.labels = { "app.kubernetes.io/part-of": `restart-${name}`, env: "prod" };
  delete app.metadata.ownerReferences;
  delete app.status.resources;
  app.spec.destination = { name: `cluster-${name}`, namespace: "restart" };
  app.status.summary = { images: [`registry.e2e.test/restart-${name}:1.0.0`] };
  app.status.sync = { ...app.status.sync, status: "Synced", revision: `cfg-${name}` };
  app.status.health = { status: "Healthy", lastTransitionTime: finishedAt };
  app.status.reconciledAt = finishedAt;
  app.status.operationState = { ...app.status.operationState, phase: "Succeeded", startedAt, finishedAt, syncResult: { ...app.status.operationState.syncResult, revision: `cfg-${name}` } };
  return JSON.stringify({ event: "on-deployed", instance: "e2e-restart", app });
}

function postWebhook(body: string): Promise<Response> {
  return fetch(new URL("/api/webhooks/argocd", web.url), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
    body,
    signal: AbortSignal.timeout(20_000),
  });
}

function workerLines(): { msg: string; component?: string; level: string }[] {
  return worker
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string; component?: string; level: string });
}

describe.each([
  ["stopped (fast shutdown) and started again", "stopped", () => postgres.stop()],
  ["killed (SIGKILL) and started again", "killed", () => postgres.kill()],
] as const)("when PostgreSQL is %s", (_title, name, takeDown) => {
  it("answers 503 quickly meanwhile, then serves, applies and streams again without a restart", { timeout: 180_000 }, async () => {
    expect((await get("/api/ready")).status).toBe(200);
    const stream = await openStream();
    try {
      await until(() => stream.events.find((event) => event.event === "ready"), 10_000, "the stream's ready event");
      const listenBacks = () => workerLines().filter((line) => line.msg.startsWith("LISTEN shiplog_deliveries is back")).length;
      const backBefore = listenBacks();

      await takeDown();

      const down = await until(async () => {
        const ready = await get("/api/ready");
        return ready.status === 503 ? ready : undefined;
      }, 10_000, "/api/ready answering 503");
      expect(down.ms).toBeLessThan(5_000);
      const read = await get("/api/v1/deployments", { cookie });
      expect(read).toMatchObject({ status: 503, retryAfter: "5" });
      expect(read.ms).toBeLessThan(10_000);
      const refused = await postWebhook(await syncNotification(`${name}-while-down`));
      expect(refused.status).toBe(503);

      const restartedAt = Date.now();
      await postgres.start();

      await until(async () => ((await get("/api/ready")).status === 200 ? true : undefined), 30_000, "/api/ready answering 200 again");
      console.log(`[restart] ${name}: /api/ready 200 again ${Date.now() - restartedAt} ms after PostgreSQL was started again`);
      expect((await get("/api/v1/deployments", { cookie })).status).toBe(200);

      // Both LISTEN connections are back: the worker's says so; the web server's tells open streams to refetch.
      await until(() => (listenBacks() > backBefore ? true : undefined), 30_000, "the worker's LISTEN coming back");
      await until(() => stream.events.find((event) => event.event === "deployments" && event.data === '{"ids":[]}'), 30_000, "the stream's refetch after LISTEN came back");

      const accepted = await postWebhook(await syncNotification(name));
      const acceptedAt = Date.now();
      expect(accepted.status).toBe(202);
      const announced = await until(() => stream.events.find((event) => event.event === "deployments" && event.data !== '{"ids":[]}'), 15_000, "the new deployment on the stream");
      console.log(`[restart] ${name}: webhook accepted → deployment on the stream in ${Date.now() - acceptedAt} ms`);
      expect(Date.now() - acceptedAt).toBeLessThan(15_000);
      expect(JSON.parse(announced.data)).toEqual({ ids: [expect.any(Number)] });
    } finally {
      stream.close();
    }
  });
});

describe("stopping while PostgreSQL is down", () => {
  it("the worker and the web server each exit promptly on SIGTERM", { timeout: 120_000 }, async () => {
    await postgres.kill();
    // Let both notice: the worker's slots and LISTEN fail, the web server answers 503.
    await until(async () => ((await get("/api/ready")).status === 503 ? true : undefined), 10_000, "/api/ready answering 503");

    let started = Date.now();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    const workerMs = Date.now() - started;

    started = Date.now();
    await web.stop();
    const webMs = Date.now() - started;
    // startShiplogServer's stop() sends SIGKILL after 5 s: under that, the server stopped by itself.
    console.log(`[restart] SIGTERM with PostgreSQL down: worker exited in ${workerMs} ms, web server in ${webMs} ms`);
    expect(workerMs).toBeLessThan(10_000);
    expect(webMs).toBeLessThan(4_500);
    await postgres.start(); // so its folder is removed by a clean stop
  });
});
