// Live timeline updates over real HTTP: GET /api/v1/deployments/stream on `next start` with its
// inline worker on (a server of this file's own, on an empty database, so the shared server's
// fleet stays as the page tests expect). A real Argo CD notification posted to the webhook
// becomes a deployment, and the open stream announces its id, within the 2 s issue 6 allows.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { argocdApplication } from "../support/webhooks";

const { argocdToken } = inject("webhookCredentials");
let baseUrl: string;
let cookie: string;
let db: ReturnType<typeof createDb>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_stream", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const server = await startShiplogServer(database.url, { SHIPLOG_INLINE_WORKER: "true" });
  cleanups.unshift(server.stop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  baseUrl = server.url;
  ({ cookie } = await server.signIn([{ role: "viewer", teamId: null }]));
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The fixture Application synced to `cluster` at `startedAt`, as Argo CD's on-deployed notification. */
async function syncNotification(cluster: string, startedAt: string): Promise<string> {
  const app = structuredClone(await argocdApplication()) as Record<string, any>;
  app.metadata.name = `stream-api-${cluster}`;
  app.metadata.uid = `uid-stream-${cluster}`;
  app.metadata.labels = { "app.kubernetes.io/part-of": "stream-api", env: "prod" };
  delete app.metadata.ownerReferences;
  delete app.status.resources;
  app.spec.destination = { name: cluster, namespace: "stream" };
  const finishedAt = new Date(Date.parse(startedAt) + 60_000).toISOString();
  app.status.summary = { images: ["registry.e2e.test/stream-api:2.0.0"] };
  app.status.sync = { ...app.status.sync, status: "Synced", revision: `cfg-${cluster}` };
  app.status.health = { status: "Healthy", lastTransitionTime: finishedAt };
  app.status.reconciledAt = finishedAt;
  app.status.operationState = { ...app.status.operationState, phase: "Succeeded", startedAt, finishedAt, syncResult: { ...app.status.operationState.syncResult, revision: `cfg-${cluster}` } };
  return JSON.stringify({ event: "on-deployed", instance: "e2e-stream", app });
}

type SseEvent = { event: string; data: string; at: number };

/** Opens the stream and collects its events as they arrive. */
async function openStream(): Promise<{ response: Response; events: SseEvent[]; comments: string[]; close: () => void }> {
  const abort = new AbortController();
  const response = await fetch(new URL("/api/v1/deployments/stream", baseUrl), { signal: abort.signal, headers: { accept: "text/event-stream", cookie } });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          comments.push(...lines.filter((line) => line.startsWith(":")));
          const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
          const data = lines.find((line) => line.startsWith("data: "))?.slice(6);
          if (event) events.push({ event, data: data ?? "", at: Date.now() });
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { response, events, comments, close: () => abort.abort() };
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("GET /api/v1/deployments/stream", () => {
  it("announces a deployment from an Argo CD webhook to an open stream within 2 s", async () => {
    const stream = await openStream();
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(stream.response.headers.get("cache-control")).toContain("no-transform");
      await until(() => stream.events.find((event) => event.event === "ready"), 5_000);

      const body = await syncNotification("prod-stream-a", new Date(Date.now() - 120_000).toISOString());
      const posted = await fetch(new URL("/api/webhooks/argocd", baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
        body,
      });
      const acceptedAt = Date.now();
      expect(posted.status).toBe(202);

      const announced = await until(() => stream.events.find((event) => event.event === "deployments"), 10_000);
      const latencyMs = announced.at - acceptedAt;
      console.log(`[stream] webhook accepted → event on the stream: ${latencyMs} ms`);
      expect(latencyMs).toBeLessThanOrEqual(2_000);

      const [deployment] = await db.$queryRaw<{ id: number }[]>`
        SELECT d.id FROM deployments d JOIN applications a ON a.id = d.application_id WHERE a.name = 'stream-api-prod-stream-a'`;
      expect(deployment).toBeDefined();
      expect(JSON.parse(announced.data)).toEqual({ ids: [deployment!.id] });

      // What the timeline then refetches: the head of the list has it on top.
      const head = (await (await fetch(new URL("/api/v1/deployments?service=stream-api", baseUrl), { headers: { cookie } })).json()) as { items: { id: number }[] };
      expect(head.items[0]?.id).toBe(deployment!.id);
    } finally {
      stream.close();
    }
  });

  it("fans one notification out to every open stream", async () => {
    const streams = await Promise.all([openStream(), openStream(), openStream()]);
    try {
      for (const stream of streams) await until(() => stream.events.find((event) => event.event === "ready"), 5_000);
      const body = await syncNotification("prod-stream-b", new Date(Date.now() - 60_000).toISOString());
      const posted = await fetch(new URL("/api/webhooks/argocd", baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
        body,
      });
      expect(posted.status).toBe(202);
      const ids = await Promise.all(
        streams.map(async (stream) => JSON.parse((await until(() => stream.events.find((event) => event.event === "deployments"), 10_000)).data) as { ids: number[] }),
      );
      const [deployment] = await db.$queryRaw<{ id: number }[]>`
        SELECT d.id FROM deployments d JOIN applications a ON a.id = d.application_id WHERE a.name = 'stream-api-prod-stream-b'`;
      for (const announced of ids) expect(announced.ids).toContain(deployment!.id);
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});
