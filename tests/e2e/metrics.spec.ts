// /metrics in a real browser against the seeded demo fleet: read a DORA number and drill into it.
// The expected numbers and rows are computed here with SQL written for the test (production =
// environments marked production; failure = failed, degraded or rolled back), independently of
// lib/metrics and its rollups.
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { formatDuration } from "../../lib/metrics/format-dora";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const browser = useBrowser();
const demoNow = new Date(inject("demoFleetNow"));
const to = demoNow.toISOString().slice(0, 10);
const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
const windowStart = new Date(`${from}T00:00:00Z`);
const windowEnd = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);

type ProductionDeployment = { id: number; service: string; environment: string; status: string; team: string | null };

async function productionDeployments(team?: string): Promise<ProductionDeployment[]> {
  return getDb().$queryRaw<ProductionDeployment[]>`
    SELECT d.id, s.name AS service, e.name AS environment, d.status::text AS status, t.slug AS team
    FROM deployments d
    JOIN environments e ON e.id = d.environment_id AND e.is_production
    JOIN services s ON s.id = d.service_id
    LEFT JOIN teams t ON t.id = d.team_id
    WHERE d.started_at >= ${windowStart} AND d.started_at < ${windowEnd}
      AND (${team ?? null}::text IS NULL OR t.slug = ${team ?? null})
    ORDER BY d.started_at DESC, d.id DESC`;
}

const isFailure = (row: ProductionDeployment) => ["FAILED", "DEGRADED", "ROLLED_BACK"].includes(row.status);

/** Commits whose release first succeeded in production within the window, with their lead time in ms. */
async function leadTimeCommits(): Promise<{ sha: string; leadMs: number }[]> {
  return getDb().$queryRaw<{ sha: string; leadMs: number }[]>`
    WITH firsts AS (
      SELECT d.release_id, d.started_at, coalesce(d.finished_at, d.started_at) AS reached,
             row_number() OVER (PARTITION BY d.release_id ORDER BY coalesce(d.finished_at, d.started_at), d.id) AS n
      FROM deployments d JOIN environments e ON e.id = d.environment_id AND e.is_production
      WHERE d.phase = 'SUCCEEDED' AND d.release_id IS NOT NULL)
    SELECT c.sha, greatest(0, extract(epoch FROM f.reached - c.committed_at) * 1000)::float8 AS "leadMs"
    FROM firsts f JOIN release_commits rc ON rc.release_id = f.release_id JOIN commits c ON c.id = rc.commit_id
    WHERE f.n = 1 AND f.started_at >= ${windowStart} AND f.started_at < ${windowEnd}`;
}

const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;

function card(page: Page, metric: string): Locator {
  return page.locator(`[data-metric="${metric}"]`);
}

async function bodyRows(table: Locator): Promise<string[][]> {
  return table.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => Array.from(row.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())),
  );
}

let metricsPage: CheckedPage;
let deployments: ProductionDeployment[];

beforeAll(async () => {
  deployments = await productionDeployments();
  metricsPage = await browser.openPage({ width: 1280, height: 900 });
  await metricsPage.page.goto(`/metrics?from=${from}&to=${to}`);
  await metricsPage.page.getByRole("heading", { level: 1, name: "DORA metrics" }).waitFor();
  await metricsPage.page.waitForLoadState("networkidle");
  await saveScreenshot(metricsPage.page, "metrics-page");
});

describe("reading the DORA numbers of the fleet", () => {
  it("shows the change failure rate and deployment count the deployments give", async () => {
    const failures = deployments.filter(isFailure).length;
    expect(deployments.length).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0);
    const { page } = metricsPage;
    expect(await card(page, "failures").locator("[data-metric-value]").innerText()).toBe(percent(failures, deployments.length));
    expect(await card(page, "failures").locator("[data-metric-detail]").innerText()).toBe(`${failures} of ${deployments.length} deployments failed`);
    expect(await card(page, "deployments").locator("[data-metric-detail]").innerText()).toBe(`${deployments.length} production deployments`);
    expect(await page.locator("[data-window]").innerText()).toContain(`${from} to ${to} (30 days, UTC)`);
  });

  it("shows the median lead time of the commits that reached production, the mean beside it", async () => {
    const commits = await leadTimeCommits();
    expect(commits.length).toBeGreaterThan(0);
    const seconds = commits.map((commit) => commit.leadMs / 1000).sort((a, b) => a - b);
    const middle = Math.floor(seconds.length / 2);
    const median = seconds.length % 2 === 1 ? seconds[middle]! : (seconds[middle - 1]! + seconds[middle]!) / 2;
    const mean = seconds.reduce((sum, value) => sum + value, 0) / seconds.length;
    const leadTime = card(metricsPage.page, "lead-time");
    expect(await leadTime.locator("[data-metric-detail]").innerText()).toBe(`median of ${commits.length} commits`);
    expect(await leadTime.locator("[data-metric-value]").innerText()).toBe(formatDuration(median));
    expect(await leadTime.locator("[data-metric-mean]").innerText()).toBe(`mean ${formatDuration(mean)}`);
  });

  it("shows the definitions in force", async () => {
    const { page } = metricsPage;
    const production = await getDb().environment.findMany({ where: { isProduction: true }, orderBy: [{ rank: "asc" }, { name: "asc" }] });
    expect(await page.locator('[data-definition="production"]').innerText()).toBe(
      `${production.map((environment) => environment.name).join(", ")} (the environments marked production)`,
    );
    expect(await page.locator('[data-definition="failure"]').innerText()).toContain("failed, degraded, rolled back");
    expect(await page.locator('[data-definition="lead-time"]').innerText()).toContain("the commit's time");
  });

  it("has no serious or critical accessibility violations (axe-core)", async () => {
    expect(await accessibilityViolations(metricsPage.page)).toEqual([]);
  });
});

describe("drilling into a number", () => {
  it("the change failure rate opens the failed production deployments behind it", async () => {
    const { page } = metricsPage;
    await card(page, "failures").locator("[data-metric-value]").click();
    await page.waitForURL((url) => url.searchParams.get("drill") === "failures");
    const table = page.getByRole("table", { name: "Failed production deployments" });
    await table.waitFor();
    const expected = deployments.filter(isFailure);
    const rows = await bodyRows(table);
    expect(rows.map((row) => [row[1], row[2], row[5]])).toEqual(
      // Badges as on every other page: "Failed", "Degraded", "Rolled back".
      expected.slice(0, 50).map((row) => [row.service, row.environment, { FAILED: "Failed", DEGRADED: "Degraded", ROLLED_BACK: "Rolled back" }[row.status as string] ?? row.status]),
    );
    expect(await page.locator("[data-drilldown-summary]").innerText()).toContain(`${expected.length} deployments counted as failures`);
    // The timeline links carry the timeline's own filter names.
    const timeline = new URL((await page.getByRole("link", { name: /^Timeline: prod · failed$/ }).first().getAttribute("href"))!, "http://x");
    expect(Object.fromEntries(timeline.searchParams)).toEqual({ environment: "prod", status: "FAILED", from: windowStart.toISOString(), to: windowEnd.toISOString() });
    await saveScreenshot(page, "metrics-failures-drilldown");
  });

  it("lead time opens the commits, each with its lead time", async () => {
    const { page } = metricsPage;
    await card(page, "lead-time").locator("[data-metric-value]").click();
    await page.waitForURL((url) => url.searchParams.get("drill") === "lead-time");
    const table = page.getByRole("table", { name: "Commits that reached production, with their lead time" });
    await table.waitFor();
    const commits = await leadTimeCommits();
    const rows = await bodyRows(table);
    // A page of 50 (the drill-downs are paged: team-comparison.spec.ts walks the pages).
    expect(rows.length).toBe(Math.min(commits.length, 50));
    const shown = new Set(rows.map((row) => row[0]));
    for (const sha of shown) expect(commits.some((commit) => commit.sha.startsWith(sha!))).toBe(true);
    await saveScreenshot(page, "metrics-lead-time-drilldown");
  });

  it("time to restore opens the incidents", async () => {
    const { page } = metricsPage;
    await card(page, "restore").locator("[data-metric-value]").click();
    await page.waitForURL((url) => url.searchParams.get("drill") === "restore");
    await page.getByRole("heading", { name: "Behind the time to restore" }).waitFor();
    expect(await page.locator("[data-drilldown-summary]").innerText()).toMatch(/^\d+ incidents started in the window, \d+ restored/);
    const incidents = page.getByRole("table", { name: "Incidents: failed deployment, restoring deployment, time to restore" });
    if (await incidents.count()) {
      const byColumn = await incidents.locator("thead th").allInnerTexts();
      const restoredBy = byColumn.findIndex((text) => text.trim() === "Restored by");
      expect(restoredBy).toBeGreaterThan(-1);
      for (const row of await bodyRows(incidents)) expect(["rolling forward", "rolling back", "—"]).toContain(row[restoredBy]);
    }
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

describe("changing the scope", () => {
  it("a team chosen in the form goes into the URL and the numbers follow", async () => {
    const { page } = metricsPage;
    const team = (await getDb().team.findFirstOrThrow({ orderBy: { slug: "asc" } })).slug;
    await page.getByRole("combobox", { name: /^Team/ }).selectOption(team);
    await page.getByRole("combobox", { name: /^Trend/ }).selectOption("week");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL((url) => url.searchParams.get("team") === team && url.searchParams.get("per") === "week", { timeout: 10_000 });
    await page.getByRole("heading", { name: "Trends (per week, UTC)" }).waitFor({ timeout: 10_000 });
    const url = new URL(page.url());
    expect(url.searchParams.get("from")).toBe(from);
    const teamDeployments = await productionDeployments(team);
    await expect
      .poll(() => card(page, "deployments").locator("[data-metric-detail]").innerText())
      .toBe(`${teamDeployments.length} production deployments`);
    await saveScreenshot(page, "metrics-team");
    await page.goBack({ timeout: 10_000 });
    await page.waitForURL((back) => !back.searchParams.has("team"), { timeout: 10_000 });
  });

  it("an unknown service in the URL is a clear message, not an error", async () => {
    const { page } = await browser.openPage();
    await page.goto("/metrics?service=no-such-service");
    const message = page.getByRole("alert").filter({ hasText: "These metrics cannot be shown" });
    expect(await message.innerText()).toContain("No service named “no-such-service” is known.");
    await page.goto("/metrics?days=0");
    expect(await message.innerText()).toContain("days: must be at least 1");
  });

  it("logs no console errors and makes no failed requests", () => {
    expect(metricsPage.problems).toEqual([]);
  });
});
