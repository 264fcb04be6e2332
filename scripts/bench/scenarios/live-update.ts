// Live update: an open timeline's server-sent events (GET /api/v1/deployments/stream) against Argo
// CD notifications posted one at a time. Each is the real Application (application-real.json)
// re-aimed at an existing application of the fleet with a new sync (revision, image tag, times);
// the time measured runs from the webhook's 2xx answer to the `deployments` event naming the
// deployment it created, through the stored delivery, the separate worker and NOTIFY/LISTEN.
import { createHash } from "node:crypto";
import { request, type IncomingMessage } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { argocdBody } from "../../../tests/support/webhooks";
import { percentile } from "../load";
import type { BenchContext, Measurement, Scenario } from "../scenario";

/** Samples per size: at least 20 where it counts, fewer for the tiny run of `npm test`. */
const SAMPLES: Record<string, number> = { tiny: 5, small: 20, full: 40 };
/** Between one event being seen and the next webhook: a modest rate, one change at a time. */
const PAUSE_MS = 250;
/** Give up on one webhook's event after this long (the sample counts as missed). */
const EVENT_TIMEOUT_MS = 15_000;

type Target = {
  id: number;
  instance: string;
  namespace: string;
  name: string;
  uid: string | null;
  labels: Record<string, string>;
  images: string[];
  project: string;
  repo_url: string | null;
  path: string | null;
  target_revision: string | null;
  destination_namespace: string | null;
  cluster: string;
  server: string;
};

export const scenario: Scenario = {
  id: "live-update",
  title: "Live update",
  run: async (context) => {
    const wanted = SAMPLES[context.size.name] ?? 20;
    const { rows: targets } = await context.pool.query<Target>(
      `SELECT a.id, i.name AS instance, a.namespace, a.name, a.uid, a.labels, a.images, a.project, a.repo_url, a.path,
              a.target_revision, a.destination_namespace, c.name AS cluster, c.server
       FROM applications a JOIN argo_instances i ON i.id = a.argo_instance_id JOIN clusters c ON c.id = a.cluster_id
       WHERE a.deleted_at IS NULL ORDER BY md5(a.id::text) LIMIT $1`,
      [wanted],
    );
    const fixture = JSON.parse(await readFile(path.join(context.fixturesDir, "argocd/application-real.json"), "utf8")) as Application;
    const stream = await openDeploymentStream(context);
    const samples: number[] = [];
    let missed = 0;
    try {
      for (let index = 0; index < wanted; index += 1) {
        const target = targets[index % targets.length]!;
        const startedAt = new Date(Date.now() - 2_000);
        const body = argocdBody(syncedApplication(fixture, target, `${process.pid}-${Date.now()}-${index}`, startedAt), { event: "on-deployed", instance: target.instance });
        const accepted = await postWebhook(context, body);
        const deploymentId = await waitForDeployment(context, target.id, startedAt, accepted + EVENT_TIMEOUT_MS);
        const seenAt = deploymentId === null ? null : await stream.seen(deploymentId, accepted + EVENT_TIMEOUT_MS);
        if (seenAt === null) missed += 1;
        else samples.push(Math.max(0, seenAt - accepted));
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
    } finally {
      stream.close();
    }
    return [
      {
        scenario: "live update",
        metric: `webhook accepted → on the open timeline's stream, p95 of ${samples.length}`,
        unit: "s",
        baseline: null,
        shiplog: samples.length === 0 ? null : percentile(samples, 95) / 1000,
        target: { op: "<=", value: 2, of: "shiplog" },
        note:
          `Argo CD on-deployed notifications (the real Application re-aimed at ${targets.length} existing applications, a new revision each) posted one at a time with ${PAUSE_MS} ms between; ` +
          `from the 2xx answer to the SSE event naming the new deployment (worker in its own process); p50 ${(percentile(samples, 50) / 1000).toFixed(2)} s.` +
          (missed > 0 ? ` ${missed} of ${wanted} never reached the stream within ${EVENT_TIMEOUT_MS / 1000} s.` : ""),
      },
    ] satisfies Measurement[];
  },
};

// ---------------------------------------------------------------- the notification

type Application = {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> & { source: Record<string, unknown> };
  status: Record<string, unknown> & { operationState: Record<string, unknown> & { operation: Record<string, unknown> }; history: unknown[] };
};

/** The fixture as the target application right after a sync of a new revision and image tag. */
function syncedApplication(fixture: Application, target: Target, seed: string, startedAt: Date): Application {
  const app = structuredClone(fixture);
  const revision = createHash("sha1").update(seed).digest("hex");
  const finishedAt = new Date(startedAt.getTime() + 1_000).toISOString();
  const started = startedAt.toISOString();
  app.metadata = { ...app.metadata, name: target.name, namespace: target.namespace, uid: target.uid ?? undefined, labels: target.labels };
  app.spec = {
    ...app.spec,
    project: target.project,
    source: { ...app.spec.source, repoURL: target.repo_url, path: target.path, targetRevision: target.target_revision },
    destination: { server: target.server, name: target.cluster, namespace: target.destination_namespace },
  };
  const images = target.images.map((image) => image.replace(/:[^:/]+$/, "") + `:sha-${revision.slice(0, 7)}`);
  const operation = app.status.operationState.operation;
  app.status = {
    ...app.status,
    reconciledAt: finishedAt,
    sync: { status: "Synced", revision },
    health: { status: "Healthy" },
    summary: { images },
    operationState: {
      ...app.status.operationState,
      phase: "Succeeded",
      startedAt: started,
      finishedAt,
      operation: { ...operation, initiatedBy: { username: "bench@example.com" }, sync: { ...(operation.sync as object), revision } },
      syncResult: { ...(app.status.operationState.syncResult as object), revision },
    },
    history: [...app.status.history, { id: Number.parseInt(revision.slice(0, 7), 16), revision, deployStartedAt: started, deployedAt: finishedAt }],
  };
  return app;
}

/** Posts one notification; when its 2xx answer arrived (performance.now()). */
async function postWebhook(context: BenchContext, body: string): Promise<number> {
  const response = await fetch(`${context.shiplogUrl}/api/webhooks/argocd`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "argocd-notifications-controller", authorization: `Bearer ${context.webhooks.argocdToken}` },
    body,
  });
  const at = performance.now();
  if (!response.ok) throw new Error(`POST /api/webhooks/argocd answered ${response.status}: ${await response.text()}`);
  return at;
}

/** The deployment the worker created for the sync, or null if none appeared by `deadline`. */
async function waitForDeployment(context: BenchContext, applicationId: number, startedAt: Date, deadline: number): Promise<number | null> {
  while (performance.now() < deadline) {
    const { rows } = await context.pool.query<{ id: number }>(`SELECT id FROM deployments WHERE application_id = $1 AND started_at = $2`, [applicationId, startedAt]);
    if (rows[0]) return rows[0].id;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}

// ---------------------------------------------------------------- the stream

type DeploymentStream = {
  /** When an event naming `id` arrived (performance.now()), waiting until `deadline`; null if none did. */
  seen: (id: number, deadline: number) => Promise<number | null>;
  close: () => void;
};

/** Opens the timeline's stream as the page does (the session cookie) and records each event's arrival. */
function openDeploymentStream(context: BenchContext): Promise<DeploymentStream> {
  const arrivals = new Map<number, number>();
  const waiters = new Set<() => void>();
  return new Promise((resolve, reject) => {
    const outgoing = request(`${context.shiplogUrl}/api/v1/deployments/stream`, { headers: { cookie: context.cookie, accept: "text/event-stream" } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET /api/v1/deployments/stream answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let buffered = "";
      let ready = false;
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        const at = performance.now();
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf("\n\n")) >= 0) {
          const message = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (event === "ready" && !ready) {
            ready = true;
            resolve({
              seen: (id, deadline) => waitForArrival(arrivals, waiters, id, deadline),
              close: () => outgoing.destroy(),
            });
          }
          if (event === "deployments" && data) {
            for (const id of (JSON.parse(data) as { ids: number[] }).ids) if (!arrivals.has(id)) arrivals.set(id, at);
            for (const wake of waiters) wake();
          }
        }
      });
    });
    outgoing.on("error", (error) => reject(error));
    outgoing.end();
  });
}

function waitForArrival(arrivals: Map<number, number>, waiters: Set<() => void>, id: number, deadline: number): Promise<number | null> {
  return new Promise((resolve) => {
    const check = () => {
      const at = arrivals.get(id);
      if (at !== undefined || performance.now() >= deadline) {
        waiters.delete(check);
        clearTimeout(timer);
        resolve(at ?? null);
      }
    };
    const timer = setTimeout(check, Math.max(0, deadline - performance.now()));
    waiters.add(check);
    check();
  });
}
