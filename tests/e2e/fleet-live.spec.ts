// The fleet page follows the timeline's change feed: with the page open, an Argo CD webhook that
// turns an application degraded changes the headline numbers, "Recently degraded" and the matrix
// without a reload, and turning it healthy again changes them back. The red headline numbers
// link to the matrix filtered to them, degraded worst first. Runs against a server of this
// file's own (its own small fleet, the inline worker on), so the other specs' fleet is left as
// they expect it.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../lib/db/client";
import { seedDemoFleetIfEmpty } from "../../prisma/demo-fleet/seed-demo-fleet";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";
import { argocdApplication } from "../support/webhooks";

const browser = useBrowser();
const SERVICE = "live-fleet-api";

let url: string;
let viewer: TestUser;
let db: Db;
const cleanups: (() => Promise<unknown>)[] = [];
const { argocdToken } = inject("webhookCredentials");

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_fleet_live", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  await seedDemoFleetIfEmpty(db, { services: 3, now: new Date(inject("demoFleetNow")) });
  const server = await startShiplogServer(database.url, { SHIPLOG_INLINE_WORKER: "true" });
  cleanups.unshift(server.stop);
  url = server.url;
  viewer = await server.signIn([{ role: "viewer", teamId: null }]);
  // The application exists, healthy, before any page opens.
  await postApplication("Healthy");
  for (const deadline = Date.now() + 30_000; (await applicationHealth()) !== "HEALTHY"; ) {
    if (Date.now() > deadline) throw new Error(`${SERVICE}-prod was not recorded healthy within 30 s of its webhook`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

let sequence = 0;

/** One Argo CD notification for the one production application of SERVICE, its health as given. */
async function postApplication(health: "Healthy" | "Degraded"): Promise<void> {
  const app = structuredClone(await argocdApplication()) as Record<string, any>;
  app.metadata.name = `${SERVICE}-prod`;
  app.metadata.uid = `uid-${SERVICE}-prod`;
  app.metadata.labels = { "app.kubernetes.io/part-of": SERVICE, env: "prod" };
  delete app.metadata.ownerReferences;
  delete app.status.resources;
  app.spec.destination = { name: "prod-live-fleet", namespace: "live" };
  const startedAt = new Date(Date.now() - 10 * 60_000).toISOString();
  const finishedAt = new Date(Date.now() - 9 * 60_000).toISOString();
  // Each notification is newer than the last (the state is ordered by the object's own times).
  sequence += 1;
  const now = new Date(Date.now() + sequence).toISOString();
  app.status.summary = { images: [`registry.e2e.test/${SERVICE}:1.0.0`] };
  app.status.sync = { ...app.status.sync, status: "Synced", revision: "cfg-live-fleet" };
  app.status.health = { status: health, lastTransitionTime: now };
  app.status.reconciledAt = now;
  app.status.operationState = {
    ...app.status.operationState,
    phase: "Succeeded",
    startedAt,
    finishedAt,
    syncResult: { ...app.status.operationState.syncResult, revision: "cfg-live-fleet" },
  };
  const response = await fetch(new URL("/api/webhooks/argocd", url), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
    body: JSON.stringify({ event: health === "Degraded" ? "on-health-degraded" : "on-deployed", instance: "e2e-live-fleet", app }),
  });
  expect(response.status).toBe(202);
}

async function applicationHealth(): Promise<string | undefined> {
  const application = await db.application.findFirst({ where: { name: `${SERVICE}-prod`, deletedAt: null }, select: { healthStatus: true } });
  return application?.healthStatus;
}

/** The headline card's number, as shown. */
async function headline(page: Page, label: string): Promise<string> {
  return page.locator("main dl > div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) }).locator("dd").first().innerText();
}

const degradedCount = () => db.application.count({ where: { deletedAt: null, healthStatus: "DEGRADED" } });

describe("the fleet page, live", () => {
  it("changes its numbers, recently degraded and the matrix when a webhook changes an application's health, without a reload", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800, as: viewer });
    await page.goto(`${url}/`);
    await page.locator('[data-stream-state="live"]').waitFor({ timeout: 15_000 });
    await page.evaluate(() => ((window as unknown as { fleetMarker: number }).fleetMarker = 1));
    const before = await degradedCount();
    expect(await headline(page, "Degraded")).toBe(String(before));
    const recent = page.getByRole("region", { name: "Recently degraded" });
    expect(await recent.getByText(`argocd/${SERVICE}-prod`).count()).toBe(0);
    const row = page.locator(`[role=row][data-service="${SERVICE}"]`);
    await row.waitFor();
    expect(await row.locator('a[data-health="DEGRADED"]').count()).toBe(0);

    await postApplication("Degraded");
    await expect.poll(() => headline(page, "Degraded"), { timeout: 10_000 }).toBe(String(before + 1));
    expect(await degradedCount()).toBe(before + 1);
    await recent.getByText(new RegExp(`/${SERVICE}-prod$`)).waitFor({ timeout: 5_000 });
    await row.locator('a[data-health="DEGRADED"]').waitFor({ timeout: 5_000 });
    await saveScreenshot(page, "fleet-page-live-degraded");

    await postApplication("Healthy");
    await expect.poll(() => headline(page, "Degraded"), { timeout: 10_000 }).toBe(String(before));
    await row.locator('a[data-health="DEGRADED"]').waitFor({ state: "detached", timeout: 5_000 });
    expect(await recent.getByText(new RegExp(`/${SERVICE}-prod$`)).count()).toBe(0);

    // The same document all along.
    expect(await page.evaluate(() => (window as unknown as { fleetMarker?: number }).fleetMarker)).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("links the Degraded number to the matrix filtered to degraded, worst first", async () => {
    await postApplication("Degraded");
    await expect.poll(() => applicationHealth(), { timeout: 10_000 }).toBe("DEGRADED");
    const { page, problems } = await browser.openPage({ width: 1280, height: 800, as: viewer });
    await page.goto(`${url}/`);
    await page.locator("main dl").getByRole("link", { name: /degraded: show them$/ }).click();
    await page.waitForURL((target) => target.search === "?only=degraded");
    await page.getByTestId("matrix-count").filter({ hasText: /, most degraded applications first$/ }).waitFor();
    const worstFirst = await db.$queryRaw<{ name: string }[]>`
      SELECT s.name FROM services s JOIN applications a ON a.service_id = s.id
      WHERE a.deleted_at IS NULL AND a.health_status = 'DEGRADED'
      GROUP BY s.id, s.name ORDER BY count(*) DESC, s.name`;
    const shown = await page.locator("[role=row][data-service]").evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.service));
    expect(shown).toEqual(worstFirst.map((service) => service.name));
    expect(shown).toContain(SERVICE);

    await page.goBack();
    await page.waitForURL((target) => target.search === "");
    expect(await page.locator("main dl").getByRole("link", { name: /out of sync: show them$/ }).getAttribute("href")).toBe("/?only=out-of-sync#fleet-matrix");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});
