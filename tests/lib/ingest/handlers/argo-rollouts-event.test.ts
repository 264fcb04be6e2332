// Argo Rollouts' progress from the webhook to the release API: Argo CD's notifications (the
// Rollout's health among the Application's status.resources) and Argo Rollouts' own (the Rollout
// object) accepted by POST /api/webhooks/argocd, applied by the worker, converging whatever the
// delivery order, rebuilt by a replay, and an abort counted as a failed deployment.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ArgoRolloutProgress } from "@/components/argo-rollouts/argo-rollout-progress";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { listFleetMatrix } from "@/lib/fleet/list-fleet-matrix";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { rebuildProjections } from "@/lib/ingest/replay/replay-deliveries";
import { getChangeFailureRate } from "@/lib/metrics/get-change-failure-rate";
import { refreshDoraRollupsUntilClean } from "@/lib/metrics/refresh-dora-rollups";
import { argoRolloutFixture, rolloutNotification } from "../../../support/argo-rollouts";
import { argocdFixture, argocdNotification, insertDelivery, type Json, quietLog, resetAll } from "../../../support/deliveries";
import { callRoute } from "../../../support/read-api";
import { bearerRequest } from "../../../support/webhooks";

vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token");
afterAll(() => void vi.unstubAllEnvs());
const { POST } = await import("@/app/api/webhooks/argocd/route");
const { GET: getReleaseRoute } = await import("@/app/api/v1/releases/[id]/route");

const db = getDb();
const drain = () => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), concurrency: 2 });
const realApp = await argocdFixture();
const canary = await argoRolloutFixture("canary-rollout");
const t0 = Date.parse("2026-03-10T09:00:00Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
const image = (tag: string) => `europe-west1-docker.pkg.dev/foo/images/velero:${tag}`;
const ROLLOUT = { namespace: "test-lla", name: "velero" };

/** The fixture's Application at one moment of a sync of v1.14.0, its Rollout with `rolloutHealth`. */
function application(step: "running" | "succeeded", seconds: number, health: string, rolloutHealth: { status: string; message?: string }): Json {
  const app = structuredClone(realApp);
  const state = app.status.operationState;
  state.startedAt = at(0);
  if (step === "running") {
    state.phase = "Running";
    delete state.finishedAt;
    delete state.syncResult;
    app.status.summary.images = [image("v1.13.0")];
  } else {
    state.phase = "Succeeded";
    state.finishedAt = at(60);
    app.status.summary.images = [image("v1.14.0")];
  }
  app.status.health = { status: health, lastTransitionTime: at(seconds) };
  app.status.reconciledAt = at(seconds);
  // The Deployment of the real fixture becomes a Rollout, as status.resources lists one.
  app.status.resources[1] = { group: "argoproj.io", kind: "Rollout", version: "v1alpha1", status: "Synced", ...ROLLOUT, health: rolloutHealth };
  return argocdNotification(app, step === "running" ? "on-sync-running" : "on-deployed", "prod-eu");
}

/** The fixture's Rollout, tracked by the application, at canary step `index` at `seconds`. */
function rollout(event: string, index: number, seconds: number, edit: (status: Json) => void = () => undefined): Json {
  const copy = structuredClone(canary);
  Object.assign(copy.metadata, ROLLOUT);
  copy.metadata.labels["app.kubernetes.io/instance"] = "velero-test";
  copy.metadata.annotations["rollout.argoproj.io/revision"] = "32";
  copy.spec.template = { spec: { containers: [{ name: "velero", image: image("v1.14.0") }] } };
  copy.status.currentStepIndex = index;
  copy.status.conditions[1] = { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: at(seconds), lastTransitionTime: at(seconds) };
  copy.status.canary = { currentBackgroundAnalysisRunStatus: { name: "velero-analysis", status: "Successful" } };
  edit(copy.status);
  return rolloutNotification(copy, event);
}

const pausedAt = (seconds: number) => (status: Json) => void (status.pauseConditions = [{ reason: "CanaryPauseStep", startTime: at(seconds) }]);
const aborted = (seconds: number) => (status: Json) => {
  status.abort = true;
  status.abortedAt = at(seconds);
  status.canary.currentBackgroundAnalysisRunStatus = { name: "velero-analysis", status: "Failed", message: 'metric "errors" assessed Failed' };
};

/** Until the abort: the sync, the canary's first steps, a pause at step 3 (index 2) with analysis passing. */
const progressing = () => [
  application("running", 5, "Progressing", { status: "Progressing" }),
  application("succeeded", 60, "Progressing", { status: "Progressing", message: "more replicas need to be updated" }),
  rollout("on-rollout-step-completed", 1, 70),
  rollout("on-rollout-step-completed", 2, 90),
  rollout("on-rollout-paused", 2, 90, pausedAt(95)),
  application("succeeded", 95, "Suspended", { status: "Suspended", message: "CanaryPauseStep" }),
];
/** Then the analysis fails and Argo Rollouts aborts; Argo CD sees the Rollout Degraded. */
const abort = () => [
  rollout("on-analysis-run-failed", 2, 120, pausedAt(95)),
  rollout("on-rollout-aborted", 2, 121, aborted(121)),
  application("succeeded", 125, "Degraded", { status: "Degraded", message: "RolloutAborted: Rollout aborted update to revision 32" }),
];

async function send(body: Json): Promise<void> {
  const response = await POST(bearerRequest("argocd", JSON.stringify(body), "argocd-token"), undefined);
  expect(response.status, await response.clone().text()).toBe(202);
}

async function deliver(bodies: Json[], order: "in order" | "reversed with duplicates"): Promise<void> {
  if (order === "in order") for (const body of bodies) await send(body);
  else {
    // Stored straight as the accept path stores them, received in reverse, each second one twice.
    const reversed = [...bodies].reverse().flatMap((body, index) => (index % 2 === 0 ? [body, body] : [body]));
    for (const [index, body] of reversed.entries()) {
      const key = body.app ? `prod-eu/${body.app.metadata.namespace}/${body.app.metadata.name}` : `prod-eu/rollout/${ROLLOUT.namespace}/${ROLLOUT.name}`;
      await insertDelivery({ source: "ARGOCD", event: body.event, body, orderingKey: key, receivedAt: new Date(Date.now() + index) });
    }
  }
  const summary = await drain();
  expect(summary.failed + summary.quarantined).toBe(0);
}

async function rolloutRows() {
  const rows = await db.argoRollout.findMany({ orderBy: { id: "asc" } });
  return rows.map(({ id: _id, updatedAt: _updatedAt, ...row }) => row);
}

async function deploymentFacts() {
  return db.deployment.findMany({ orderBy: { startedAt: "asc" }, select: { operationKey: true, status: true, rolloutAbortedAt: true, phase: true, lastHealth: true } });
}

beforeEach(() => resetAll());

describe("Argo Rollouts progress", () => {
  it("shows on the release API and page per application: step, weight, pause and analysis; the fleet matrix marks it", async () => {
    await deliver(progressing(), "in order");
    const [deployment] = await db.deployment.findMany({ include: { release: true } });
    expect(deployment).toMatchObject({ status: "SUCCEEDED", release: { version: "v1.14.0" } });

    const answer = await callRoute(getReleaseRoute, `/api/v1/releases/${deployment!.releaseId}`, { id: String(deployment!.releaseId) });
    expect(answer.status).toBe(200);
    const entry = answer.body.rollout.find((item: { application: { name: string } }) => item.application.name === "velero-test");
    expect(entry.argoRollouts).toEqual([
      {
        ...ROLLOUT,
        state: "PAUSED",
        summary: "paused, step 3 of 8, 40 % of traffic, analysis passing",
        strategy: "CANARY",
        currentStep: 2,
        totalSteps: 8,
        weight: 40,
        paused: true,
        aborted: false,
        analysisStatus: "Successful",
        activeSelector: null,
        previewSelector: null,
        observedAt: at(95),
      },
    ]);
    const html = renderToStaticMarkup(createElement(ArgoRolloutProgress, { rollouts: entry.argoRollouts }));
    expect(html).toContain("paused, step 3 of 8, 40 % of traffic, analysis passing");

    const matrix = await listFleetMatrix({}, db);
    const row = matrix.rows.find((item) => item.service === "velero");
    expect(row?.cells.find((cell) => cell !== null)?.rollingOut).toBe(1);
  });

  it("counts an aborted rollout as a failed deployment, and keeps it failed when Argo CD later reports it healthy", async () => {
    await deliver([...progressing(), ...abort()], "in order");
    expect(await deploymentFacts()).toEqual([
      { operationKey: at(0), phase: "SUCCEEDED", status: "FAILED", rolloutAbortedAt: new Date(at(121)), lastHealth: "DEGRADED" },
    ]);
    const [progress] = await rolloutRows();
    expect(progress).toMatchObject({ state: "ABORTED", aborted: true, analysisStatus: "Failed", weight: 0 });

    // Someone retries and the rollout goes through within the same sync: still a failed change.
    const promoted = (status: Json) => void (status.stableRS = status.currentPodHash);
    await deliver([rollout("on-rollout-completed", 8, 590, promoted)], "in order");
    expect((await rolloutRows())[0]).toMatchObject({ state: "HEALTHY", aborted: false });
    await deliver([application("succeeded", 600, "Healthy", { status: "Healthy" })], "in order");
    expect(await deploymentFacts()).toMatchObject([{ status: "FAILED", rolloutAbortedAt: new Date(at(121)), lastHealth: "HEALTHY" }]);
    // DORA counts production: the fixture's environment ("test") is made one.
    await db.environment.updateMany({ data: { isProduction: true } });
    await refreshDoraRollupsUntilClean(db);
    const rate = await getChangeFailureRate({ days: 7, now: new Date(t0 + 86_400_000) }, db);
    expect(rate).toMatchObject({ deployments: 1, failures: 1, rate: 1 });
  });

  it("converges on the same rows whatever the delivery order, with duplicates, and a rebuild reproduces them", async () => {
    const all = [...progressing(), ...abort()];
    await deliver(all, "in order");
    const inOrder = { rollouts: await rolloutRows(), deployments: await deploymentFacts() };
    expect(inOrder.rollouts).toHaveLength(1);

    await resetAll();
    await deliver(all, "reversed with duplicates");
    expect({ rollouts: await rolloutRows(), deployments: await deploymentFacts() }).toEqual(inOrder);

    await rebuildProjections({ log: quietLog() });
    expect({ rollouts: await rolloutRows(), deployments: await deploymentFacts() }).toEqual(inOrder);
  });

  it("fails the deployment when Argo Rollouts reports the abort before Argo CD reports the sync", async () => {
    await deliver([rollout("on-rollout-aborted", 2, 121, aborted(121))], "in order");
    expect(await deploymentFacts()).toEqual([]);
    // Argo CD's notifications name the Rollout but not (yet) its abort.
    await deliver([application("succeeded", 100, "Progressing", { status: "Progressing" })], "in order");
    expect(await deploymentFacts()).toMatchObject([{ status: "FAILED", rolloutAbortedAt: new Date(at(121)) }]);
  });

  it("accepts a resend as a duplicate, and answers 400 naming what a Rollout body lacks", async () => {
    const body = JSON.stringify(rollout("on-rollout-paused", 2, 90, pausedAt(95)));
    expect((await POST(bearerRequest("argocd", body, "argocd-token"), undefined)).status).toBe(202);
    const again = await POST(bearerRequest("argocd", body, "argocd-token"), undefined);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    const nameless = rollout("on-rollout-paused", 2, 90);
    delete nameless.rollout.metadata.namespace;
    const refused = await POST(bearerRequest("argocd", JSON.stringify(nameless), "argocd-token"), undefined);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("rollout.metadata.namespace");
    expect(await db.webhookDelivery.count()).toBe(1);
  });

  it("ignores, with the reason, a Rollout no Argo CD application tracks", async () => {
    const untracked = rollout("on-rollout-paused", 2, 90);
    delete untracked.rollout.metadata.labels["app.kubernetes.io/instance"];
    await send(untracked);
    const summary = await drain();
    expect(summary).toMatchObject({ ignored: 1 });
    const [stored] = await db.webhookDelivery.findMany({ select: { status: true, lastError: true } });
    expect(stored?.status).toBe("IGNORED");
  });
});
