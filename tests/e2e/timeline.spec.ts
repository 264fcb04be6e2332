// The release timeline in a real browser against `next start` and the seeded demo fleet: filter
// to one team's production deployments and load more (rows checked against the database,
// queried here independently of lib/deployments/list-deployments.ts), filters held in the URL
// with the back button stepping through them, a rollout expanding to its deployments, bad
// filters and empty results. Live updates run against a server of this file's own with the
// inline worker on: an Argo CD webhook posted while the page is open appears without a reload.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";
import { getDb } from "../../lib/db/client";
import { seedDemoFleetIfEmpty } from "../../prisma/demo-fleet/seed-demo-fleet";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";
import { argocdApplication } from "../support/webhooks";

const browser = useBrowser();

/** Closing or leaving the page ends its EventSource; Chromium reports that as an aborted request. */
const realProblems = (problems: string[]) => problems.filter((line) => !/\/api\/v1\/deployments\/stream: net::ERR_ABORTED/.test(line));

/** Deployment ids the table shows, in order; a rollout row stands for all of its members. */
async function shownIds(page: Page): Promise<number[]> {
  return page
    .locator("tbody tr[data-deployment-id]:not([data-nested]), tbody tr[data-deployment-ids]")
    .evaluateAll((rows) => rows.flatMap((row) => ((row as HTMLElement).dataset.deploymentIds ?? (row as HTMLElement).dataset.deploymentId!).split(",").map(Number)));
}

/** The newest `limit` deployments of a team (and environment), as the timeline orders them. */
async function newestIds(team: string, environment: string | null, limit: number): Promise<number[]> {
  const rows = await getDb().$queryRaw<{ id: number }[]>`
    SELECT d.id FROM deployments d
    JOIN teams t ON t.id = d.team_id JOIN environments e ON e.id = d.environment_id
    WHERE t.slug = ${team} AND (${environment}::text IS NULL OR e.name = ${environment})
    ORDER BY d.started_at DESC, d.id DESC LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/** Waits until no page load is in flight ("Loading…" gone), then the rows shown. */
async function settledIds(page: Page): Promise<number[]> {
  await page.getByRole("button", { name: "Loading…" }).waitFor({ state: "detached" });
  return shownIds(page);
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe("filtering the timeline to one team's production deployments", () => {
  let checked: CheckedPage;
  let team: string;
  let production: string;
  let total: number;

  beforeAll(async () => {
    const [busiest] = await getDb().$queryRaw<{ team: string; environment: string; count: number }[]>`
      SELECT t.slug AS team, e.name AS environment, count(*)::int AS count FROM deployments d
      JOIN teams t ON t.id = d.team_id JOIN environments e ON e.id = d.environment_id
      WHERE e.is_production GROUP BY t.slug, e.name ORDER BY count(*) DESC, t.slug LIMIT 1`;
    if (!busiest || busiest.count <= 50) throw new Error(`the demo fleet needs a team with more than one page of production deployments (found ${busiest?.count ?? 0})`);
    team = busiest.team;
    total = busiest.count;
    production = busiest.environment;
    checked = await browser.openPage({ width: 1280, height: 800 });
    await checked.page.goto("/timeline");
    await checked.page.getByRole("heading", { level: 1, name: "Release timeline" }).waitFor();
  });

  it("puts each filter in the URL without a full reload, and shows the team's production deployments", async () => {
    const { page } = checked;
    await page.evaluate(() => ((window as unknown as { timelineMarker: number }).timelineMarker = 1));
    await page.getByLabel("Team").selectOption(team);
    await page.waitForURL((url) => url.searchParams.get("team") === team);
    await page.getByLabel("Environment").selectOption(production);
    await page.waitForURL((url) => url.searchParams.get("environment") === production && url.searchParams.get("team") === team);
    expect(new URL(page.url()).search).toBe(`?team=${team}&environment=${production}`);

    const expectedFirst = (await newestIds(team, production, 1))[0];
    await expect.poll(async () => (await shownIds(page))[0], { timeout: 10_000 }).toBe(expectedFirst);
    const ids = await settledIds(page);
    expect(ids).toHaveLength(50);
    expect(sorted(ids)).toEqual(sorted(await newestIds(team, production, ids.length)));
    // Same document: the filters changed through client-side navigation.
    expect(await page.evaluate(() => (window as unknown as { timelineMarker?: number }).timelineMarker)).toBe(1);
    await saveScreenshot(page, "timeline-team-production");
  });

  it("loads more: the next keyset page continues exactly after the first", async () => {
    const { page } = checked;
    const before = await settledIds(page);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(async () => (await shownIds(page)).length, { timeout: 10_000 }).toBeGreaterThan(before.length);
    const after = await settledIds(page);
    expect(after.length).toBeGreaterThanOrEqual(Math.min(total, before.length + 50));
    expect(sorted(after)).toEqual(sorted(await newestIds(team, production, after.length)));
    if (after.length === total) await page.getByText("That is every deployment matching these filters.").waitFor();
    expect(await page.getByText(`${after.length} deployments loaded`).count()).toBe(1);
    await saveScreenshot(page, "timeline-load-more");
  });

  it("expands a rollout to its deployments, with its counts in the whole fleet as the database has them", async () => {
    const { page } = checked;
    const rollout = page.locator("tbody tr[data-rollout]").first();
    await rollout.waitFor();
    const ids = (await rollout.getAttribute("data-deployment-ids"))!.split(",").map(Number);
    const releaseId = Number(await rollout.getAttribute("data-rollout"));
    const environment = (await rollout.getAttribute("data-rollout-environment"))!;

    // A rollout is one release in one environment: every loaded member belongs to it, and its
    // counts cover every application of the service there, loaded or not.
    const members = await getDb().$queryRaw<{ release_id: number; environment: string }[]>`
      SELECT DISTINCT d.release_id, e.name AS environment FROM deployments d JOIN environments e ON e.id = d.environment_id WHERE d.id = ANY(${ids}::int[])`;
    expect(members).toEqual([{ release_id: releaseId, environment }]);
    const [fleet] = await getDb().$queryRaw<{ applications: number; healthy: number }[]>`
      SELECT count(*)::int AS applications,
        count(*) FILTER (WHERE a.deleted_at IS NULL AND a.current_release_id = r.id AND a.health_status = 'HEALTHY')::int AS healthy
      FROM releases r JOIN applications a ON a.service_id = r.service_id
      JOIN environments e ON e.id = a.environment_id AND e.name = ${environment}
      WHERE r.id = ${releaseId}
        AND (a.deleted_at IS NULL OR EXISTS (SELECT 1 FROM deployments d WHERE d.application_id = a.id AND d.release_id = r.id))`;
    expect(fleet!.applications).toBeGreaterThan(1);
    expect(await rollout.innerText()).toMatch(new RegExp(`${fleet!.healthy} of ${fleet!.applications} (clusters|applications) healthy`));
    expect(await rollout.getByRole("link", { name: "Rollout" }).getAttribute("href")).toBe(`/rollouts/releases/${releaseId}?environment=${encodeURIComponent(environment)}`);

    const toggle = rollout.getByRole("button", { name: /^Expand rollout of/ });
    await toggle.click();
    await expect.poll(() => rollout.getByRole("button", { name: /^Collapse rollout of/ }).getAttribute("aria-expanded")).toBe("true");
    const nested = await page.locator("tbody tr[data-nested]").evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.deploymentId)));
    expect(nested).toEqual(ids);
    await saveScreenshot(page, "timeline-rollout-expanded");
  });

  it("has no serious or critical accessibility violations (axe-core)", async () => {
    expect(await accessibilityViolations(checked.page)).toEqual([]);
  });

  it("steps back through the filters with the back button", async () => {
    const { page } = checked;
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get("team") === team && !url.searchParams.has("environment"));
    await expect.poll(() => page.getByLabel("Environment").inputValue()).toBe("");
    const expected = await newestIds(team, null, 1);
    await expect.poll(async () => (await shownIds(page))[0], { timeout: 10_000 }).toBe(expected[0]);
    await page.goForward();
    await page.waitForURL((url) => url.searchParams.get("environment") === production);
    await expect.poll(() => page.getByLabel("Environment").inputValue()).toBe(production);
  });

  it("logs no console errors and makes no failed requests", () => {
    expect(realProblems(checked.problems)).toEqual([]);
  });
});

describe("several statuses at once", () => {
  it("ticks Failed and Degraded into status=FAILED,DEGRADED and shows exactly those deployments", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800 });
    await page.goto("/timeline");
    await page.evaluate(() => ((window as unknown as { timelineMarker: number }).timelineMarker = 1));
    await page.locator("summary:has(#filter-status-summary)").click();
    await page.getByRole("checkbox", { name: "Failed" }).check();
    await page.waitForURL((url) => url.searchParams.get("status") === "FAILED");
    // The list stays open for the next tick.
    await page.getByRole("checkbox", { name: "Degraded" }).check();
    await page.waitForURL((url) => url.searchParams.get("status") === "FAILED,DEGRADED");
    expect(new URL(page.url()).search).toBe("?status=FAILED,DEGRADED");
    expect(await page.locator("#filter-status-summary").innerText()).toBe("Failed, Degraded");

    const expected = (
      await getDb().$queryRaw<{ id: number }[]>`
        SELECT id FROM deployments WHERE status IN ('FAILED', 'DEGRADED') ORDER BY started_at DESC, id DESC LIMIT 50`
    ).map((row) => row.id);
    expect(expected.length).toBeGreaterThan(1);
    await expect.poll(async () => (await shownIds(page))[0], { timeout: 10_000 }).toBe(expected[0]);
    const ids = await settledIds(page);
    expect(sorted(ids)).toEqual(sorted(expected.slice(0, ids.length)));
    expect(await page.evaluate(() => (window as unknown as { timelineMarker?: number }).timelineMarker)).toBe(1);
    // The same query string is an API query.
    const api = await page.request.get("/api/v1/deployments?status=FAILED,DEGRADED&limit=50");
    expect(api.status()).toBe(200);
    expect(((await api.json()) as { items: { id: number }[] }).items.map((item) => item.id)).toEqual(expected);
    await saveScreenshot(page, "timeline-several-statuses");
    expect(realProblems(problems)).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe("filters that cannot be used or match nothing", () => {
  it("says what is wrong with a bad filter value, as the API does", async () => {
    const { page, problems } = await browser.openPage();
    await page.goto("/timeline?status=SHIPPED");
    // Next's route announcer is an alert too; the page's own names its problem.
    const alert = page.getByRole("alert").filter({ hasText: "These filters cannot be used" });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/status: /);
    const api = await page.request.get("/api/v1/deployments?status=SHIPPED");
    expect(api.status()).toBe(400);

    await page.goto("/timeline?from=2026-11-02&to=2026-11-01");
    await page.getByRole("alert").filter({ hasText: "to: must be after from" }).waitFor();
    await saveScreenshot(page, "timeline-bad-filter");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(realProblems(problems)).toEqual([]);
    await page.context().close();
  });

  it("shows an empty state with a way to clear the filters", async () => {
    const { page, problems } = await browser.openPage();
    await page.goto("/timeline?service=no-such-service&status=FAILED");
    await page.getByText("No deployments match these filters").waitFor();
    await saveScreenshot(page, "timeline-empty");
    await page.getByRole("link", { name: "Clear filters" }).click();
    await page.waitForURL((url) => url.pathname === "/timeline" && url.search === "");
    const [newest] = await getDb().$queryRaw<{ id: number }[]>`SELECT id FROM deployments ORDER BY started_at DESC, id DESC LIMIT 1`;
    await expect.poll(async () => (await shownIds(page)).includes(newest!.id), { timeout: 10_000 }).toBe(true);
    expect(realProblems(problems)).toEqual([]);
    await page.context().close();
  });
});

describe("live updates", () => {
  let liveUrl: string;
  let liveViewer: TestUser;
  const cleanups: (() => Promise<unknown>)[] = [];
  const { argocdToken } = inject("webhookCredentials");

  beforeAll(async () => {
    const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_timeline_live", template: inject("templateDatabase") });
    cleanups.push(database.drop);
    // A small fleet of its own, so the page has rows to scroll past when the new one arrives.
    const db = createDb(database.url);
    try {
      await seedDemoFleetIfEmpty(db, { services: 3, now: new Date(inject("demoFleetNow")) });
    } finally {
      await db.$disconnect();
    }
    const server = await startShiplogServer(database.url, { SHIPLOG_INLINE_WORKER: "true" });
    cleanups.unshift(server.stop);
    liveUrl = server.url;
    liveViewer = await server.signIn([{ role: "viewer", teamId: null }]);
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  async function postSync(cluster: string, service = "live-api"): Promise<void> {
    const app = structuredClone(await argocdApplication()) as Record<string, any>;
    app.metadata.name = `${service}-${cluster}`;
    app.metadata.uid = `uid-${service}-${cluster}`;
    app.metadata.labels = { "app.kubernetes.io/part-of": service, env: "prod" };
    delete app.metadata.ownerReferences;
    delete app.status.resources;
    app.spec.destination = { name: cluster, namespace: "live" };
    const startedAt = new Date(Date.now() - 90_000).toISOString();
    const finishedAt = new Date(Date.now() - 30_000).toISOString();
    app.status.summary = { images: [`registry.e2e.test/${service}:3.1.0`] };
    app.status.sync = { ...app.status.sync, status: "Synced", revision: `cfg-${cluster}` };
    app.status.health = { status: "Healthy", lastTransitionTime: finishedAt };
    app.status.operationState = { ...app.status.operationState, phase: "Succeeded", startedAt, finishedAt, syncResult: { ...app.status.operationState.syncResult, revision: `cfg-${cluster}` } };
    const response = await fetch(new URL("/api/webhooks/argocd", liveUrl), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}` },
      body: JSON.stringify({ event: "on-deployed", instance: "e2e-live", app }),
    });
    expect(response.status).toBe(202);
  }

  it("shows a deployment reported while the page is open, marked new, without a reload or a jump", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800, as: liveViewer });
    await page.goto(`${liveUrl}/timeline`);
    await page.locator("tbody tr").first().waitFor();
    await page.locator('[data-stream-state="live"]').waitFor();
    await page.evaluate(() => ((window as unknown as { timelineMarker: number }).timelineMarker = 1));

    // Scrolled down to read older rows: the row in view stays put when one is added above.
    await page.evaluate(() => window.scrollTo(0, 700));
    const watched = (await page.locator("tbody tr").nth(12).elementHandle())!;
    const topBefore = await watched.evaluate((row) => row.getBoundingClientRect().top);
    expect(topBefore).toBeGreaterThan(0);
    expect(topBefore).toBeLessThan(800);

    await postSync("prod-live-a");
    const row = page.locator("tbody tr[data-new]");
    await row.first().waitFor({ state: "attached", timeout: 5_000 });
    expect(await row.first().innerText()).toContain("live-api");
    expect(await page.locator("tbody tr").first().getAttribute("data-new")).toBe("true");
    expect(Math.abs((await watched.evaluate((element) => element.getBoundingClientRect().top)) - topBefore)).toBeLessThanOrEqual(2);
    expect(await page.evaluate(() => (window as unknown as { timelineMarker?: number }).timelineMarker)).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));

    // A second cluster of the same release joins the first as one rollout.
    await postSync("prod-live-b");
    const rollout = page.locator("tbody tr[data-rollout]").filter({ hasText: "live-api" });
    await rollout.waitFor({ timeout: 5_000 });
    expect(await rollout.innerText()).toContain("2 of 2 clusters healthy");
    await saveScreenshot(page, "timeline-live");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(realProblems(problems)).toEqual([]);
    await page.context().close();
  });

  it("falls back to polling when the event stream cannot be opened", async () => {
    const { page, problems } = await browser.openPage({ as: liveViewer });
    // A proxy that refuses the stream: the page must still see new deployments.
    await page.route("**/api/v1/deployments/stream", (route) => route.fulfill({ status: 502, body: "bad gateway" }));
    await page.goto(`${liveUrl}/timeline`);
    await page.locator('[data-stream-state="polling"]').waitFor({ timeout: 10_000 });
    await postSync("prod-live-c", "poll-api");
    // Polled every 10 s: the row comes within one period (and the worker's few hundred ms).
    const row = page.locator("tbody tr[data-new]").filter({ hasText: "poll-api" });
    await row.waitFor({ timeout: 15_000 });
    expect(realProblems(problems).filter((line) => !/502.*\/api\/v1\/deployments\/stream|\/api\/v1\/deployments\/stream.*502/.test(line))).toEqual([]);
    await page.context().close();
  }, 40_000);
});
