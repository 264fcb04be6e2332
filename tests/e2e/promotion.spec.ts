// Promoting from the UI, end to end: a Shiplog of its own (inline worker and promotion runner on)
// on a database with the demo fleet, Argo CD's API played by a fake started here, and Argo CD's
// notifications posted to Shiplog's webhook after each sync Shiplog asks for, as Argo CD would
// send them. velero runs v1.14.0 in test and v1.13.0 on three prod clusters in two regions
// (manual sync: each gets an Argo CD sync to the revision v1.14.0 ran with). An SRE opens the
// release, presses Promote, reads the plan (three waves: a canary, then region by region), confirms
// and watches the promotion page reach "succeeded" wave by wave without a reload. A viewer sees no
// Promote button and no promotion controls, and the API refuses them (403).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../lib/db/client";
import { seedDemoFleetIfEmpty } from "../../prisma/demo-fleet/seed-demo-fleet";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { type FakeArgoCd, startFakeArgoCd } from "../support/fake-argocd";
import { createDatabase } from "../support/postgres-admin";
import { applicationAtSyncStep, type Sync, SYNC_STEP_EVENTS, type SyncStep } from "../support/rollback-sync";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";
import { argocdApplication } from "../support/webhooks";

const browser = useBrowser();
const { argocdToken } = inject("webhookCredentials");
const cleanups: (() => Promise<unknown>)[] = [];
let argo: FakeArgoCd;
let url: string;
let db: Db;
let sre: TestUser;
let viewer: TestUser;
let fixture: Record<string, any>;
const hour = 3600_000;
const STEP_SECONDS = { succeeded: 2, degraded: 3, healthy: 4 };
const PROD = [
  { name: "velero-prod-eu-1", cluster: "gke-prod-eu-1", region: "europe-west1" },
  { name: "velero-prod-eu-2", cluster: "gke-prod-eu-2", region: "europe-west1" },
  { name: "velero-prod-us-1", cluster: "gke-prod-us-1", region: "us-east1" },
];

/** The same service's application in prod on another cluster and region (same source, manual sync). */
function prodApp(entry: (typeof PROD)[number]): Record<string, any> {
  const app = structuredClone(fixture);
  app.metadata.name = entry.name;
  app.metadata.uid = `uid-${entry.name}`;
  app.metadata.labels = { ...app.metadata.labels, env: "prod", cluster_name: entry.cluster, region: entry.region };
  app.spec.destination = { ...app.spec.destination, name: entry.cluster };
  return app;
}

async function notify(base: Record<string, any>, sync: Sync, steps: SyncStep[]): Promise<void> {
  for (const step of steps) {
    const response = await fetch(`${url}/api/webhooks/argocd`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
      body: JSON.stringify({ event: SYNC_STEP_EVENTS[step], instance: "argocd", app: applicationAtSyncStep(base, sync, step, STEP_SECONDS) }),
    });
    if (response.status >= 300) throw new Error(`the webhook answered ${response.status}`);
  }
}

async function processed(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await db.webhookDelivery.count({ where: { status: { not: "PROCESSED" } } })) > 0) {
    if (Date.now() > deadline) throw new Error("the inline worker did not process the posted notifications within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  fixture = await argocdApplication();
  argo = await startFakeArgoCd();
  cleanups.push(() => argo.close());
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_promotion", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  await seedDemoFleetIfEmpty(db, { services: 3, now: new Date(inject("demoFleetNow")) });
  const server = await startShiplogServer(database.url, {
    SHIPLOG_INLINE_WORKER: "true",
    ARGOCD_INSTANCES: JSON.stringify([{ name: "argocd", url: argo.url, token: argo.token }]),
    ARGOCD_POLL_INTERVAL_SECONDS: "0",
    // Waves move on as soon as they are healthy, so the test watches all three within seconds.
    SHIPLOG_PROMOTION_SOAK_MINUTES: "0",
    SHIPLOG_PROMOTION_REGION_ORDER: "europe-west1",
  });
  cleanups.unshift(server.stop);
  url = server.url;
  sre = await server.signIn([{ role: "sre", teamId: null }]);
  viewer = await server.signIn([{ role: "viewer", teamId: null }]);

  const now = Date.now();
  // test: v1.13.0 then v1.14.0, healthy. prod: v1.13.0 healthy on three clusters.
  await notify(fixture, { fromTag: "v1.12.0", tag: "v1.13.0", historyId: 30, startedAt: new Date(now - 3 * hour) }, ["running", "succeeded", "healthy"]);
  await notify(fixture, { fromTag: "v1.13.0", tag: "v1.14.0", historyId: 31, startedAt: new Date(now - 2 * hour) }, ["running", "succeeded", "healthy"]);
  for (const entry of PROD) {
    await notify(prodApp(entry), { fromTag: "v1.12.0", tag: "v1.13.0", historyId: 30, startedAt: new Date(now - 3 * hour) }, ["running", "succeeded", "healthy"]);
    argo.applications.set(entry.name, { metadata: { name: entry.name, namespace: fixture.metadata.namespace }, spec: {}, status: { history: [{ id: 30 }] } });
  }
  await processed();
  // What Argo CD does after Shiplog's sync: the sync runs, succeeds and the application turns healthy.
  argo.onSync = (name) => {
    const entry = PROD.find((candidate) => candidate.name === name);
    if (!entry) return;
    void notify(prodApp(entry), { fromTag: "v1.13.0", tag: "v1.14.0", historyId: 32, startedAt: new Date() }, ["running", "succeeded", "healthy"]);
  };
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function veleroRelease(version: string) {
  const app = await db.application.findFirstOrThrow({ where: { name: fixture.metadata.name } });
  return db.release.findFirstOrThrow({ where: { version, serviceId: app.serviceId }, include: { service: true } });
}

describe("an SRE promotes a release from test to prod in waves", () => {
  it("reads the plan, confirms, and watches every wave finish without a reload", async () => {
    const release = await veleroRelease("v1.14.0");
    const { page, problems } = await browser.openPage({ as: sre });
    await page.goto(`${url}/releases/${release.id}`);
    await page.getByRole("link", { name: "Promote" }).click();
    await page.getByRole("heading", { level: 1, name: `Promote ${release.service.name}` }).waitFor();
    await page.getByLabel("Target environment").selectOption("prod");
    const plan = page.getByRole("table", { name: "The plan, wave by wave" });
    await plan.waitFor({ timeout: 30_000 });
    expect((await plan.getByRole("row").allTextContents()).slice(1)).toEqual([
      "1: canarygke-prod-eu-111 Argo CD sync1 passed",
      "2: europe-west1gke-prod-eu-211 Argo CD sync1 passed",
      "3: us-east1gke-prod-us-111 Argo CD sync1 passed",
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "promotion-plan");
    await page.getByRole("button", { name: "Promote v1.14.0 to prod" }).click();
    await page.getByRole("heading", { level: 1, name: /^Promotion of velero v1\.14\.0 into prod/ }).waitFor({ timeout: 30_000 });
    const state = page.getByRole("status").filter({ hasText: "State:" });
    await state.getByText("succeeded").waitFor({ timeout: 90_000 });
    expect(await page.getByRole("heading", { level: 2, name: /^Wave \d/ }).allTextContents()).toEqual([
      expect.stringMatching(/^Wave 1: canary succeeded/),
      expect.stringMatching(/^Wave 2: europe-west1 succeeded/),
      expect.stringMatching(/^Wave 3: us-east1 succeeded/),
    ]);
    // Argo CD got a dry run, then the sync, for each application, in wave order.
    expect(argo.syncs.filter((sync) => !sync.dryRun).map((sync) => sync.name)).toEqual(PROD.map((entry) => entry.name));
    expect(new Set(argo.syncs.map((sync) => sync.revision)).size).toBe(1);
    await saveScreenshot(page, "promotion-succeeded");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe("a viewer", () => {
  it("sees no Promote button and no promotion controls, and the API refuses them (403)", async () => {
    const release = await veleroRelease("v1.14.0");
    const { page, problems } = await browser.openPage({ as: viewer });
    await page.goto(`${url}/releases/${release.id}`);
    await page.getByRole("region", { name: "Where it runs and how it rolled out" }).getByRole("table").first().waitFor();
    expect(await page.getByRole("link", { name: "Promote" }).count()).toBe(0);
    const promotion = await db.promotion.findFirstOrThrow();
    await page.goto(`${url}/promotions/${promotion.id}`);
    await page.getByRole("heading", { level: 1, name: /^Promotion of/ }).waitFor();
    expect(await page.getByRole("group", { name: "Promotion controls" }).count()).toBe(0);
    expect(await page.getByRole("button").filter({ hasText: /Pause|Resume|Abort|Approve/ }).count()).toBe(0);
    const answer = await page.request.post(`${url}/api/v1/promotions`, { headers: { origin: url, "Idempotency-Key": "viewer-promote-key" }, data: { releaseId: release.id, environment: "prod" } });
    expect(answer.status()).toBe(403);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/^Permission "promote" needs the sre role/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
