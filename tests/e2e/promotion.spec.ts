// Promoting from the UI, end to end: a Shiplog of its own (inline worker and promotion runner on)
// on a database with the demo fleet, Argo CD's API played by a fake started here, and Argo CD's
// notifications posted to Shiplog's webhook after each sync Shiplog asks for, as Argo CD would
// send them. velero (the real Application fixture: no auto-sync) runs v1.14.0 in staging and
// v1.13.0 on four prod clusters in three regions, so each prod application gets an Argo CD sync to
// the config revision v1.14.0 ran with in staging. An SRE opens the release, presses Promote,
// chooses prod and two of the three regions, reads the plan (three waves: a canary, then region by
// region), confirms, and watches the promotion page follow it wave by wave to "succeeded" without
// a reload. A viewer sees no Promote button and no promotion controls, and the API refuses them (403).
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
// Each step is reconciled after the sync's "running" one (5 s in, rollback-sync.ts): an earlier
// step would lose to it, and the sync would keep the old image.
const STEP_SECONDS = { succeeded: 6, degraded: 7, healthy: 8 };
const STAGING = { name: "velero-staging", cluster: "gke-staging-eu-1", region: "europe-west1" };
/** In wave order: the canary is the first cluster of the first region (SHIPLOG_PROMOTION_REGION_ORDER). */
const PROD = [
  { name: "velero-prod-eu-1", cluster: "gke-prod-eu-1", region: "europe-west1" },
  { name: "velero-prod-eu-2", cluster: "gke-prod-eu-2", region: "europe-west1" },
  { name: "velero-prod-us-1", cluster: "gke-prod-us-1", region: "us-east1" },
];
/** A prod cluster in a region the SRE leaves out of the scope: it must keep v1.13.0. */
const LEFT_OUT = { name: "velero-prod-asia-1", cluster: "gke-prod-asia-1", region: "asia-east1" };

/** The fixture's application (manual sync, same source) in another environment, cluster and region. */
function veleroApp(entry: typeof STAGING, env: string): Record<string, any> {
  const app = structuredClone(fixture);
  app.metadata.name = entry.name;
  app.metadata.uid = `uid-${entry.name}`;
  app.metadata.labels = { ...app.metadata.labels, env, cluster_name: entry.cluster, region: entry.region };
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
  expect(fixture.spec.syncPolicy.automated).toBeUndefined(); // manual sync: Argo CD syncs to a revision
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
    // A wave moves on as soon as it is healthy, so the test watches all three within seconds.
    SHIPLOG_PROMOTION_SOAK_MINUTES: "0",
    SHIPLOG_PROMOTION_REGION_ORDER: "europe-west1",
  });
  cleanups.unshift(server.stop);
  url = server.url;
  sre = await server.signIn([{ role: "sre", teamId: null }]);
  viewer = await server.signIn([{ role: "viewer", teamId: null }]);

  const now = Date.now();
  // staging: v1.13.0, then v1.14.0 (history 31), healthy. prod: v1.13.0 healthy on four clusters.
  await notify(veleroApp(STAGING, "staging"), { fromTag: "v1.12.0", tag: "v1.13.0", historyId: 30, startedAt: new Date(now - 3 * hour) }, ["running", "succeeded", "healthy"]);
  await notify(veleroApp(STAGING, "staging"), { fromTag: "v1.13.0", tag: "v1.14.0", historyId: 31, startedAt: new Date(now - 2 * hour) }, ["running", "succeeded", "healthy"]);
  for (const entry of [...PROD, LEFT_OUT]) {
    await notify(veleroApp(entry, "prod"), { fromTag: "v1.12.0", tag: "v1.13.0", historyId: 30, startedAt: new Date(now - 3 * hour) }, ["running", "succeeded", "healthy"]);
    argo.applications.set(entry.name, { metadata: { name: entry.name, namespace: fixture.metadata.namespace }, spec: structuredClone(fixture.spec), status: { history: [{ id: 30 }] } });
  }
  await processed();
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function veleroRelease(version: string) {
  const app = await db.application.findFirstOrThrow({ where: { name: STAGING.name } });
  return db.release.findFirstOrThrow({ where: { version, serviceId: app.serviceId }, include: { service: true } });
}

describe("an SRE promotes a release from staging to prod in waves", () => {
  it("chooses prod and two regions, reads the plan, confirms, and watches every wave finish without a reload", async () => {
    const release = await veleroRelease("v1.14.0");
    const stagingDeployment = await db.deployment.findFirstOrThrow({ where: { releaseId: release.id, application: { name: STAGING.name }, phase: "SUCCEEDED" } });
    const { page, problems } = await browser.openPage({ as: sre });
    await page.goto(`${url}/releases/${release.id}`);
    await page.getByRole("link", { name: "Promote" }).click();
    await page.getByRole("heading", { level: 1, name: `Promote ${release.service.name}` }).waitFor();
    await page.getByLabel("Target environment").selectOption("prod");
    const plan = page.getByRole("table", { name: "The plan, wave by wave" });
    await plan.waitFor({ timeout: 30_000 });
    // All of its clusters first: four waves, asia-east1 included.
    expect(await plan.getByRole("row").count()).toBe(1 + 4);

    await page.getByRole("radio", { name: "Some regions" }).check();
    await page.getByRole("checkbox", { name: /^europe-west1/ }).check();
    await plan.waitFor({ timeout: 30_000 });
    await page.getByRole("checkbox", { name: /^us-east1/ }).check();
    await plan.waitFor({ timeout: 30_000 });
    expect(await page.getByRole("checkbox", { name: /^asia-east1/ }).isChecked()).toBe(false);
    await expect.poll(async () => (await plan.getByRole("row").allTextContents()).slice(1), { timeout: 30_000 }).toEqual([
      "1: canarygke-prod-eu-111 Argo CD sync1 passed",
      "2: europe-west1gke-prod-eu-211 Argo CD sync1 passed",
      "3: us-east1gke-prod-us-111 Argo CD sync1 passed",
    ]);
    expect(await page.getByText("3 applications in 3 waves").count()).toBe(1);
    expect(argo.syncs.every((sync) => sync.dryRun)).toBe(true); // nothing happened but dry runs
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "promotion/plan");

    await page.getByRole("button", { name: "Promote v1.14.0 to prod" }).click();
    await page.getByRole("heading", { level: 1, name: /^Promotion of velero v1\.14\.0 into prod/ }).waitFor({ timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { promotionMarker: number }).promotionMarker = 1));
    const waves = () => page.getByRole("heading", { level: 2, name: /^Wave \d/ }).allTextContents();
    const synced = () => argo.syncs.filter((sync) => !sync.dryRun).map((sync) => sync.name);
    const names = ["canary", "europe-west1", "us-east1"];
    // Wave by wave: only the current wave's application gets its sync; the page shows it running
    // and the later waves pending; Argo CD's notifications then move it on.
    for (const [index, entry] of PROD.entries()) {
      await expect.poll(synced, { timeout: 30_000 }).toEqual(PROD.slice(0, index + 1).map((app) => app.name));
      await expect
        .poll(waves, { timeout: 15_000 })
        .toEqual(names.map((name, wave) => expect.stringMatching(new RegExp(`^Wave ${wave + 1}: ${name} ${wave < index ? "succeeded" : wave === index ? "running" : "pending"}`))));
      if (index === 0) await saveScreenshot(page, "promotion/canary-running");
      await notify(veleroApp(entry, "prod"), { fromTag: "v1.13.0", tag: "v1.14.0", historyId: 32, startedAt: new Date() }, ["running", "succeeded", "healthy"]);
    }
    const state = page.getByRole("status").filter({ hasText: "State:" });
    await state.getByText("succeeded").waitFor({ timeout: 30_000 });
    expect(await waves()).toEqual(names.map((name, wave) => expect.stringMatching(new RegExp(`^Wave ${wave + 1}: ${name} succeeded`))));
    // The same document all along: the page followed it live.
    expect(await page.evaluate(() => (window as unknown as { promotionMarker?: number }).promotionMarker)).toBe(1);
    // Every sync (dry runs included) went to the config revision v1.14.0 ran with in staging;
    // asia-east1, left out of the scope, got only the dry run of the first plan.
    expect(new Set(argo.syncs.map((sync) => sync.revision))).toEqual(new Set([stagingDeployment.revision]));
    expect(argo.syncs.filter((sync) => sync.name === LEFT_OUT.name).every((sync) => sync.dryRun)).toBe(true);

    const promotion = await db.promotion.findFirstOrThrow({ where: { releaseId: release.id }, include: { steps: { orderBy: { id: "asc" } } } });
    expect(promotion).toMatchObject({ state: "SUCCEEDED", requestedBy: sre.email });
    expect(promotion.steps.map((step) => step.action).filter((action) => action !== "promotion.wave-soaking")).toEqual([
      "promotion.requested",
      "promotion.approved", // "no approval required"
      ...[0, 1, 2].flatMap(() => ["promotion.wave-started", "promotion.application-changed", "promotion.wave-succeeded"]),
      "promotion.succeeded",
    ]);
    const after = await db.application.findMany({ where: { name: { in: [...PROD, LEFT_OUT].map((entry) => entry.name) } }, include: { currentRelease: true }, orderBy: { name: "asc" } });
    expect(after.map((app) => [app.name, app.currentRelease?.version, app.healthStatus])).toEqual(
      [...PROD.map((entry) => [entry.name, "v1.14.0", "HEALTHY"]), [LEFT_OUT.name, "v1.13.0", "HEALTHY"]].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    await saveScreenshot(page, "promotion/succeeded");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 150_000);
});

describe("a viewer", () => {
  it("sees no Promote button and no promotion controls on a running promotion, and the API refuses them (403)", async () => {
    const release = await veleroRelease("v1.14.0");
    // A running promotion (into asia-east1, whose sync Argo CD never reports back): its controls
    // are there for the SRE who asked for it, and must not be for the viewer.
    const requested = await fetch(`${url}/api/v1/promotions`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: sre.cookie, origin: url, "Idempotency-Key": "sre-promotes-asia" },
      body: JSON.stringify({ releaseId: release.id, environment: "prod", select: { by: "regions", regions: [LEFT_OUT.region] } }),
    });
    expect(requested.status).toBe(201);
    const { promotionId } = (await requested.json()) as { promotionId: number };
    await expect.poll(() => argo.syncs.filter((sync) => !sync.dryRun && sync.name === LEFT_OUT.name).length, { timeout: 30_000 }).toBe(1);
    const sreView = await browser.openPage({ as: sre });
    await sreView.page.goto(`${url}/promotions/${promotionId}`);
    await sreView.page.getByRole("group", { name: "Promotion controls" }).getByRole("button", { name: "Pause" }).waitFor();
    await sreView.page.context().close();

    const { page, problems } = await browser.openPage({ as: viewer });
    await page.goto(`${url}/releases/${release.id}`);
    await page.getByRole("region", { name: "Where it runs and how it rolled out" }).getByRole("table").first().waitFor();
    expect(await page.getByRole("link", { name: "Promote" }).count()).toBe(0);
    await page.goto(`${url}/promotions/${promotionId}`);
    await page.getByRole("heading", { level: 1, name: /^Promotion of velero v1\.14\.0 into prod/ }).waitFor();
    await page.getByRole("status").filter({ hasText: "State:" }).getByText("running").waitFor();
    expect(await page.getByRole("group", { name: "Promotion controls" }).count()).toBe(0);
    expect(await page.getByRole("button").filter({ hasText: /Pause|Resume|Abort|Approve/ }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "promotion/viewer");

    // The same requests the form and the controls make, from the viewer's signed-in browser.
    const before = await db.promotion.count();
    const answer = await page.request.post(`${url}/api/v1/promotions`, {
      headers: { origin: url, "Idempotency-Key": "viewer-promote-key" },
      data: { releaseId: release.id, environment: "prod", select: { by: "all" } },
    });
    expect(answer.status()).toBe(403);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/^Permission "promote" needs the sre role/);
    const abort = await page.request.post(`${url}/api/v1/promotions/${promotionId}/abort`, { headers: { origin: url }, data: {} });
    expect(abort.status()).toBe(403);
    expect(await db.promotion.count()).toBe(before);
    expect(await db.promotion.findUniqueOrThrow({ where: { id: promotionId } })).toMatchObject({ state: "RUNNING" });
    expect(problems).toEqual([]);
    await page.context().close();

    // The SRE can: the promotion stops (and leaves nothing running for the next test file run).
    const aborted = await fetch(`${url}/api/v1/promotions/${promotionId}/abort`, { method: "POST", headers: { "content-type": "application/json", cookie: sre.cookie, origin: url }, body: "{}" });
    expect(aborted.status).toBe(200);
    expect(await db.promotion.findUniqueOrThrow({ where: { id: promotionId } })).toMatchObject({ state: "ABORTED" });
  }, 90_000);
});
