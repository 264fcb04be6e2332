// Rolling back from the UI, end to end: a Shiplog of its own (inline worker on) on a database
// with the demo fleet, Argo CD's API played by a fake started here (ARGOCD_INSTANCES points at
// it), and Argo CD's notifications posted to Shiplog's webhook as Argo CD would send them after
// the rollback. An SRE opens a degraded release, reads the plan (dry run passed), gives a reason,
// confirms, and watches the rollback page reach "succeeded" without a reload. A viewer sees no
// rollback control and the API refuses them (403). 20 simultaneous HTTP requests to roll one
// application back make one rollback.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../lib/db/client";
import { seedDemoFleetIfEmpty } from "../../prisma/demo-fleet/seed-demo-fleet";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { type FakeArgoCd, startFakeArgoCd } from "../support/fake-argocd";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";
import { applicationAtSyncStep, type Sync, SYNC_STEP_EVENTS, type SyncStep } from "../support/rollback-sync";
import { argocdApplication } from "../support/webhooks";

const browser = useBrowser();
const { argocdToken } = inject("webhookCredentials");
const cleanups: (() => Promise<unknown>)[] = [];
let argo: FakeArgoCd;
let url: string;
let db: Db;
let sre: TestUser;
let viewer: TestUser;
let signInAs: (grants: { role: "viewer" | "engineer" | "sre" | "admin"; teamId: number | null }[]) => Promise<TestUser>;
let fixture: Record<string, any>;
/** Notifications posted after the rollback reached the fake Argo CD, with Shiplog's answers. */
const posted: { event: string; status: number }[] = [];

const STEP_SECONDS = { succeeded: 20, degraded: 30, healthy: 40 };

/** Posts the notifications of one sync to Shiplog's Argo CD webhook, as Argo CD Notifications sends them. */
async function notify(sync: Sync, steps: SyncStep[], base: Record<string, any> = fixture): Promise<void> {
  for (const step of steps) {
    const response = await fetch(`${url}/api/webhooks/argocd`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
      body: JSON.stringify({ event: SYNC_STEP_EVENTS[step], instance: "argocd", app: applicationAtSyncStep(base, sync, step, STEP_SECONDS) }),
    });
    posted.push({ event: SYNC_STEP_EVENTS[step], status: response.status });
  }
}

/** Waits until the inline worker has applied everything posted so far. */
async function processed(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await db.webhookDelivery.count({ where: { status: { not: "PROCESSED" } } })) > 0) {
    if (Date.now() > deadline) throw new Error("the inline worker did not process the posted notifications within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const hour = 3600_000;

/** The same service's application in production: another name, uid and environment. */
function prodFixture(): Record<string, any> {
  const app = structuredClone(fixture);
  app.metadata.name = "velero-prod";
  app.metadata.uid = "uid-velero-prod";
  app.metadata.labels = { ...app.metadata.labels, env: "prod" };
  return app;
}

beforeAll(async () => {
  fixture = await argocdApplication();
  argo = await startFakeArgoCd();
  cleanups.push(() => argo.close());
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_rollback", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  await seedDemoFleetIfEmpty(db, { services: 3, now: new Date(inject("demoFleetNow")) });
  const server = await startShiplogServer(database.url, {
    SHIPLOG_INLINE_WORKER: "true",
    ARGOCD_INSTANCES: JSON.stringify([{ name: "argocd", url: argo.url, token: argo.token }]),
    ARGOCD_POLL_INTERVAL_SECONDS: "0",
    // Production rollbacks wait for a second SRE (velero-test runs in "test", velero-prod in "prod").
    SHIPLOG_ROLLBACK_APPROVAL: "production",
  });
  cleanups.unshift(server.stop);
  url = server.url;
  signInAs = server.signIn;
  sre = await server.signIn([{ role: "sre", teamId: null }]);
  viewer = await server.signIn([{ role: "viewer", teamId: null }]);

  // velero-test: v1.12.0 and v1.13.0 healthy, then v1.14.0 degraded (Argo CD history 29, 30, 31).
  const now = Date.now();
  await notify({ fromTag: "v1.11.0", tag: "v1.12.0", historyId: 29, startedAt: new Date(now - 3 * hour) }, ["running", "succeeded", "healthy"]);
  await notify({ fromTag: "v1.12.0", tag: "v1.13.0", historyId: 30, startedAt: new Date(now - 2 * hour) }, ["running", "succeeded", "healthy"]);
  await notify({ fromTag: "v1.13.0", tag: "v1.14.0", historyId: 31, startedAt: new Date(now - hour) }, ["running", "succeeded", "degraded"]);
  // velero-prod: v2.0.0 healthy, then v2.1.0 degraded (history 40, 41).
  await notify({ fromTag: "v1.13.0", tag: "v2.0.0", historyId: 40, startedAt: new Date(now - 2 * hour) }, ["running", "succeeded", "healthy"], prodFixture());
  await notify({ fromTag: "v2.0.0", tag: "v2.1.0", historyId: 41, startedAt: new Date(now - hour) }, ["running", "succeeded", "degraded"], prodFixture());
  await processed();
  argo.applications.set("velero-prod", { metadata: { name: "velero-prod", namespace: fixture.metadata.namespace }, spec: {}, status: { history: [{ id: 40 }, { id: 41 }] } });
  argo.applications.set(fixture.metadata.name, { metadata: { name: fixture.metadata.name, namespace: fixture.metadata.namespace }, spec: {}, status: { history: [{ id: 29 }, { id: 30 }, { id: 31 }] } });
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function degradedRelease() {
  const release = await veleroRelease("v1.14.0");
  const app = await db.application.findFirstOrThrow({ where: { name: fixture.metadata.name }, include: { cluster: true } });
  expect(app).toMatchObject({ currentReleaseId: release.id, healthStatus: "DEGRADED" });
  return { release, app };
}

/** A release of velero (the demo fleet has versions of its own, some spelled the same). */
async function veleroRelease(version: string) {
  const app = await db.application.findFirstOrThrow({ where: { name: fixture.metadata.name } });
  return db.release.findFirstOrThrow({ where: { version, serviceId: app.serviceId }, include: { service: true } });
}

const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe("an SRE rolls back a degraded release from its page", () => {
  it("reads the plan, gives a reason, confirms, and watches the rollback succeed without a reload", async () => {
    const { release, app } = await degradedRelease();
    const { page, problems } = await browser.openPage({ as: sre });
    await page.goto(`${url}/releases/${release.id}`);
    const control = page.getByRole("button", { name: `Roll back ${release.service.name} v1.14.0` });
    await control.waitFor();
    // One control per application running the release in the rollout table, too.
    await page.getByRole("button", { name: `Roll back ${app.name} on ${app.cluster.name}` }).waitFor();
    expect(await noSideways(page)).toBe(true);
    await saveScreenshot(page, "rollback-release-controls");

    // Keyboard: the dialog opens from the keyboard, keeps focus inside, and Escape closes it.
    await control.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: `Roll back ${release.service.name} v1.14.0` });
    await dialog.waitFor();
    await dialog.getByRole("region", { name: "Rollback plan" }).getByText("passed", { exact: true }).first().waitFor({ timeout: 20_000 });
    for (let tab = 0; tab < 12; tab += 1) await page.keyboard.press("Tab");
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    await control.click();
    await dialog.waitFor();
    const plan = dialog.getByRole("region", { name: "Rollback plan" });
    await plan.getByText("passed", { exact: true }).first().waitFor({ timeout: 20_000 });
    const target = dialog.getByLabel("Roll back to");
    expect(await target.locator("option:checked").textContent()).toMatch(/^v1\.13\.0 \(last healthy here, default\)/);
    expect(await target.locator("option").allTextContents()).toEqual([expect.stringMatching(/^v1\.13\.0/), expect.stringMatching(/^v1\.12\.0/)]);
    await expect.poll(() => plan.textContent()).toMatch(/Argo CD rollback/);
    expect(await plan.textContent()).toMatch(/Off everywhere/);
    expect(await plan.textContent()).toMatch(/Not needed: it starts as soon as you confirm/);
    expect(await plan.getByRole("row").filter({ hasText: app.cluster.name }).textContent()).toMatch(/history entry 30.*Argo CD accepted a dry run of history entry 30 \(v1\.13\.0\)/);
    // Nothing happened but dry runs (one per opening of the dialog).
    expect(argo.rollbacks.length).toBeGreaterThan(0);
    expect(argo.rollbacks.every((call) => call.dryRun && call.id === 30)).toBe(true);
    const confirm = dialog.getByRole("button", { name: "Roll back to v1.13.0" });
    expect(await confirm.isDisabled()).toBe(true); // no reason yet
    await saveScreenshot(page, "rollback-dialog");
    expect(await accessibilityViolations(page)).toEqual([]);

    // When Argo CD gets the real rollback, it syncs back to v1.13.0 and notifies Shiplog.
    const synced = new Promise<void>((resolve, reject) => {
      argo.onRollback = (name, id) => {
        expect([name, id]).toEqual([app.name, 30]);
        const sync = { fromTag: "v1.14.0", tag: "v1.13.0", historyId: 32, startedAt: new Date() };
        // Spread out like the real notifications, so the page shows the wait for the sync.
        void (async () => {
          await new Promise((done) => setTimeout(done, 1_500));
          await notify(sync, ["running", "succeeded"]);
          await new Promise((done) => setTimeout(done, 1_500));
          await notify(sync, ["healthy"]);
        })().then(resolve, reject);
      };
    });

    await dialog.getByLabel(/^Reason/).fill("v1.14.0 is degraded in production: readiness probes fail");
    await confirm.click();
    await page.waitForURL(/\/rollbacks\/\d+$/);
    const rollbackId = Number(new URL(page.url()).pathname.split("/").at(-1));
    await page.getByRole("heading", { level: 1, name: `Rollback of ${release.service.name} v1.14.0 → v1.13.0` }).waitFor();
    await page.evaluate(() => ((window as unknown as { rollbackMarker: number }).rollbackMarker = 1));
    const state = page.getByRole("status").filter({ hasText: "State:" });

    await synced;
    await state.getByText("succeeded").waitFor({ timeout: 30_000 });
    // The same document all along: the page followed the rollback live.
    expect(await page.evaluate(() => (window as unknown as { rollbackMarker?: number }).rollbackMarker)).toBe(1);
    expect(posted.every((delivery) => delivery.status === 202)).toBe(true);

    const row = await db.rollback.findUniqueOrThrow({ where: { id: rollbackId }, include: { transitions: { orderBy: { id: "asc" } } } });
    expect(row).toMatchObject({ state: "SUCCEEDED", requestedBy: sre.email, reason: "v1.14.0 is degraded in production: readiness probes fail", method: "ARGOCD", argoHistoryId: 30 });
    expect(row.transitions.map((transition) => transition.toState)).toEqual(["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC", "SUCCEEDED"]);
    expect(argo.rollbacks.filter((call) => !call.dryRun)).toEqual([expect.objectContaining({ name: app.name, id: 30 })]);
    const after = await db.application.findUniqueOrThrow({ where: { id: app.id }, include: { currentRelease: true } });
    expect(after).toMatchObject({ healthStatus: "HEALTHY", currentRelease: { version: "v1.13.0" } });

    // Every transition, with who and when, as recorded.
    const history = page.getByRole("region", { name: "What happened" });
    for (const transition of row.transitions) await history.getByText(`${transition.toState.toLowerCase().replaceAll("_", " ")} by ${transition.actor}`, { exact: false }).first().waitFor();
    expect(await page.getByRole("list", { name: "Progress" }).locator('[aria-current="step"]').textContent()).toBe("succeeded");
    expect(await noSideways(page)).toBe(true);
    await saveScreenshot(page, "rollback-succeeded");
    expect(await accessibilityViolations(page)).toEqual([]);

    // The release page lists it; the list of rollbacks shows it as recent.
    // The service page offers the same control on each application's version, and still fits.
    await page.waitForLoadState("load");
    await page.goto(`${url}/services/${encodeURIComponent(release.service.name)}`);
    await page.getByRole("button", { name: `Roll back ${app.name} on ${app.cluster.name}` }).waitFor();
    expect(await noSideways(page)).toBe(true);
    await page.waitForLoadState("load");
    await page.goto(`${url}/releases/${release.id}`);
    await page.getByRole("region", { name: "Rollbacks" }).getByRole("link", { name: `Rollback #${rollbackId}` }).waitFor();
    await page.waitForLoadState("load");
    await page.goto(`${url}/rollbacks`);
    const recent = page.getByRole("region", { name: "Recent rollbacks" });
    await recent.getByRole("link", { name: `#${rollbackId}`, exact: true }).waitFor();
    expect(await recent.getByRole("row").filter({ hasText: `#${rollbackId}` }).textContent()).toMatch(/v1\.14\.0 → v1\.13\.0.*succeeded/);
    await saveScreenshot(page, "rollbacks-list");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe("a viewer", () => {
  it("sees no rollback control, and the API refuses them (403)", async () => {
    const release = await veleroRelease("v1.13.0");
    const { page, problems } = await browser.openPage({ as: viewer });
    await page.goto(`${url}/releases/${release.id}`);
    await page.getByRole("region", { name: "Where it runs and how it rolled out" }).getByRole("table").first().waitFor();
    expect(await page.getByRole("button", { name: /^Roll back/ }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    // A page of its own: leaving the streamed release page early cancels its script loads.
    const servicePage = await browser.openPage({ as: viewer });
    await servicePage.page.goto(`${url}/services/${encodeURIComponent(release.service.name)}`);
    await servicePage.page.getByRole("heading", { name: "What runs where" }).waitFor();
    await servicePage.page.getByRole("table").first().waitFor();
    expect(await servicePage.page.getByRole("button", { name: /^Roll back/ }).count()).toBe(0);
    expect(servicePage.problems).toEqual([]);
    await servicePage.page.context().close();

    // The same requests the dialog makes, from the viewer's signed-in browser on Shiplog's own origin.
    const app = await db.application.findFirstOrThrow({ where: { name: fixture.metadata.name } });
    const planAnswer = await page.request.post(`${url}/api/v1/rollbacks/plan`, { headers: { origin: url }, data: { scope: { kind: "application", applicationId: app.id } } });
    expect(planAnswer.status()).toBe(403);
    const requestAnswer = await page.request.post(`${url}/api/v1/rollbacks`, {
      headers: { origin: url, "Idempotency-Key": "viewer-dialog-key" },
      data: { scope: { kind: "application", applicationId: app.id }, targetReleaseId: release.id, reason: "viewer tries" },
    });
    expect(requestAnswer.status()).toBe(403);
    expect(((await requestAnswer.json()) as { error: { message: string } }).error.message).toMatch(/^Permission "rollback" needs the sre role/);
    expect(await db.rollback.count({ where: { requestedBy: viewer.email } })).toBe(0);
    await page.context().close();
  });
});

describe("20 simultaneous HTTP requests to roll one application back", () => {
  it("make one rollback; the other 19 answers name it (409)", async () => {
    argo.onRollback = undefined;
    argo.applications.set(fixture.metadata.name, { metadata: { name: fixture.metadata.name, namespace: fixture.metadata.namespace }, spec: {}, status: { history: [{ id: 29 }, { id: 30 }, { id: 31 }, { id: 32 }] } });
    // It runs v1.13.0 after the rollback above (v1.14.0 when this test runs alone): v1.12.0 is earlier either way.
    const app = await db.application.findFirstOrThrow({ where: { name: fixture.metadata.name } });
    const target = await veleroRelease("v1.12.0");
    const people = await Promise.all([sre, signInAs([{ role: "sre", teamId: null }]), signInAs([{ role: "admin", teamId: null }])]);
    const before = await db.rollback.count();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const response = await fetch(`${url}/api/v1/rollbacks`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: people[index % 3]!.cookie, origin: url, "Idempotency-Key": `concurrent-dialog-${index}` },
          body: JSON.stringify({ scope: { kind: "application", applicationId: app.id }, targetReleaseId: target.id, reason: "roll further back" }),
        });
        return { status: response.status, body: (await response.json()) as any };
      }),
    );
    expect(answers.map((answer) => answer.status).sort(), JSON.stringify(answers.find((answer) => answer.status !== 409))).toEqual([201, ...Array(19).fill(409)]);
    expect(await db.rollback.count()).toBe(before + 1);
    const made = await db.rollback.findMany({ where: { applicationId: app.id, toReleaseId: target.id } });
    expect(made).toHaveLength(1);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created).toHaveLength(1);
    const conflicts = answers.filter((answer) => answer.status === 409);
    expect(conflicts).toHaveLength(19);
    for (const answer of conflicts) expect(answer.body.error.details.rollbackId).toBe(made.at(-1)!.id);
    await expect.poll(() => argo.rollbacks.filter((call) => !call.dryRun && call.id === 29).length, { timeout: 15_000 }).toBe(1);
  }, 60_000);
});

describe("a production rollback waits for a second SRE", () => {
  it("one SRE requests it, another approves it on the rollback page, and it runs to succeeded", async () => {
    const app = await db.application.findFirstOrThrow({ where: { name: "velero-prod" }, include: { environment: true } });
    expect(app.environment.isProduction).toBe(true);
    const release = await veleroRelease("v2.1.0");
    const requester = await browser.openPage({ as: sre });
    await requester.page.goto(`${url}/releases/${release.id}`);
    await requester.page.getByRole("button", { name: `Roll back ${release.service.name} v2.1.0` }).click();
    const dialog = requester.page.getByRole("dialog");
    const plan = dialog.getByRole("region", { name: "Rollback plan" });
    await plan.getByText("passed", { exact: true }).first().waitFor({ timeout: 20_000 });
    expect(await plan.textContent()).toMatch(/A second SRE must approve before anything runs \(production\)/);
    await dialog.getByLabel(/^Reason/).fill("v2.1.0 is degraded in prod");
    await dialog.getByRole("button", { name: "Request rollback to v2.0.0 (needs approval)" }).click();
    await requester.page.waitForURL(/\/rollbacks\/\d+$/);
    const rollbackId = Number(new URL(requester.page.url()).pathname.split("/").at(-1));
    await requester.page.getByText("You requested it, so another SRE must approve it.").waitFor();
    expect(await requester.page.getByRole("button", { name: "Approve rollback" }).count()).toBe(0);
    expect(argo.rollbacks.filter((call) => !call.dryRun && call.name === "velero-prod")).toEqual([]);
    expect(requester.problems).toEqual([]);
    await requester.page.context().close();

    argo.onRollback = (name, id) => {
      if (name !== "velero-prod" || id !== 40) return;
      const sync = { fromTag: "v2.1.0", tag: "v2.0.0", historyId: 42, startedAt: new Date() };
      void notify(sync, ["running", "succeeded", "healthy"], prodFixture());
    };
    const approver = await browser.openPage({ as: await signInAs([{ role: "sre", teamId: null }]) });
    await approver.page.goto(`${url}/rollbacks`);
    await approver.page.getByRole("region", { name: "Waiting for approval" }).getByRole("link", { name: `#${rollbackId}`, exact: true }).click();
    await approver.page.waitForURL(new RegExp(`/rollbacks/${rollbackId}$`));
    const approve = approver.page.getByRole("button", { name: "Approve rollback" });
    await approve.waitFor();
    await saveScreenshot(approver.page, "rollback-awaiting-approval");
    expect(await accessibilityViolations(approver.page)).toEqual([]);
    await approve.click();
    await approver.page.getByRole("status").filter({ hasText: "State:" }).getByText("succeeded").waitFor({ timeout: 30_000 });
    const row = await db.rollback.findUniqueOrThrow({ where: { id: rollbackId }, include: { transitions: { orderBy: { id: "asc" } } } });
    expect(row).toMatchObject({ state: "SUCCEEDED", requestedBy: sre.email, approvalRequired: true });
    expect(row.approvedBy).not.toBe(sre.email);
    expect(row.transitions.map((transition) => transition.toState)).toEqual(["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC", "SUCCEEDED"]);
    await approver.page.getByRole("region", { name: "What happened" }).getByText(`requested → approved by ${row.approvedBy}`, { exact: false }).waitFor();
    expect(approver.problems).toEqual([]);
    await approver.page.context().close();
  }, 90_000);
});
