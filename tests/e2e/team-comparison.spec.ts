// Issue 16's manager items in a real browser against the seeded demo fleet: the team comparison
// (/metrics/teams) shows what the per-team DORA API answers for each team, sorts by a column and
// names the report its levels come from; a drill-down pages its rows and groups them by team
// with the database's counts; and the fleet page's deployment chart, below the fold, has bars in
// a full-page screenshot and when printed.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { formatDuration, formatPerDay, formatRate } from "../../lib/metrics/format-dora";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const browser = useBrowser();
const demoNow = new Date(inject("demoFleetNow"));
const to = demoNow.toISOString().slice(0, 10);
const from = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);

type Totals = { deployments: number; deploymentsPerDay: number; failures: number; changeFailureRate: number | null; leadTimeMedianSeconds: number | null; restoreMedianSeconds: number | null };
type TeamRow = { team: { slug: string; name: string }; current: Totals; levels: Record<string, string | null> };

async function api(page: Page, path: string): Promise<any> {
  const response = await page.request.get(path);
  expect(response.status(), path).toBe(200);
  return response.json();
}

async function cellTexts(page: Page, caption: string): Promise<string[][]> {
  return page
    .getByRole("table", { name: caption })
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((row) => Array.from(row.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())));
}

let teamsPage: CheckedPage;

beforeAll(async () => {
  teamsPage = await browser.openPage({ width: 1280, height: 900 });
  await teamsPage.page.goto(`/metrics/teams?from=${from}&to=${to}`);
  await teamsPage.page.getByRole("table", { name: "DORA metrics per team" }).waitFor({ timeout: 90_000 });
}, 120_000);

describe("comparing the teams", () => {
  it("shows for every team the numbers and levels its own DORA answer gives", async () => {
    const { page } = teamsPage;
    const rows = await cellTexts(page, "DORA metrics per team");
    const comparison = (await api(page, `/api/v1/metrics/teams?from=${from}&to=${to}`)).teams as TeamRow[];
    expect(rows.length).toBe(comparison.length);
    expect(rows.length).toBeGreaterThan(1);
    for (const [index, row] of comparison.entries()) {
      const own = (await api(page, `/api/v1/metrics/dora?team=${row.team.slug}&from=${from}&to=${to}`)).current as Totals;
      const cells = rows[index]!;
      expect(cells[0]).toBe(row.team.name);
      expect(cells[1]).toContain(formatPerDay(own.deploymentsPerDay));
      expect(cells[1]).toContain(`${own.deployments} deployments`);
      expect(cells[2]).toContain(formatDuration(own.leadTimeMedianSeconds));
      expect(cells[3]).toContain(formatRate(own.changeFailureRate));
      expect(cells[4]).toContain(formatDuration(own.restoreMedianSeconds));
      const levels = await page
        .getByRole("table", { name: "DORA metrics per team" })
        .locator("tbody tr")
        .nth(index)
        .locator("td")
        .evaluateAll((tds) => tds.slice(1, 5).map((td) => td.querySelector("[data-level]")?.getAttribute("data-level") ?? null));
      expect(levels).toEqual([row.levels.deploymentFrequency, row.levels.leadTime, row.levels.changeFailureRate, row.levels.restore]);
    }
    // A sparkline per team: bars for a team that deployed.
    const busiest = comparison.reduce((a, b) => (b.current.deployments > a.current.deployments ? b : a));
    const sparkline = page.getByRole("img", { name: new RegExp(`^${busiest.team.name}: production deployments per week`) });
    expect(await sparkline.locator("rect").count()).toBeGreaterThan(0);
    expect(await page.locator("[data-report]").innerText()).toContain("2023 Accelerate State of DevOps Report");
    await saveScreenshot(page, "metrics-teams");
  }, 90_000);

  it("sorts by change failure rate, best first, then worst first", async () => {
    const { page } = teamsPage;
    await page.getByRole("link", { name: "Change failure rate: sort best first" }).click();
    await page.waitForURL((url) => url.searchParams.get("sort") === "changeFailureRate");
    await page.locator('th[aria-sort="ascending"]').getByText("Change failure rate").waitFor();
    const expected = (await api(page, `/api/v1/metrics/teams?from=${from}&to=${to}&sort=changeFailureRate`)).teams as TeamRow[];
    expect((await cellTexts(page, "DORA metrics per team")).map((cells) => cells[0])).toEqual(expected.map((row) => row.team.name));
    const rates = expected.map((row) => row.current.changeFailureRate).filter((rate): rate is number => rate !== null);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));

    await page.getByRole("link", { name: "Change failure rate: sort worst first" }).click();
    await page.waitForURL((url) => url.searchParams.get("order") === "desc");
    await page.locator('th[aria-sort="descending"]').waitFor();
    const worst = (await api(page, `/api/v1/metrics/teams?from=${from}&to=${to}&sort=changeFailureRate&order=desc`)).teams as TeamRow[];
    expect((await cellTexts(page, "DORA metrics per team")).map((cells) => cells[0])).toEqual(worst.map((row) => row.team.name));
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(teamsPage.problems).toEqual([]);
  }, 90_000);
});

describe("a drill-down of many rows", () => {
  it("lists 50 at a time, pages with a cursor, and groups by team with the database's counts", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 900 });
    await page.goto(`/metrics?from=${from}&to=${to}&drill=deployments`);
    const caption = "Production deployments";
    await page.getByRole("table", { name: caption }).waitFor();
    const whole = await api(page, `/api/v1/metrics/dora/deployments?from=${from}&to=${to}&limit=500`);
    expect(whole.total).toBeGreaterThan(50);
    const first = await cellTexts(page, caption);
    expect(first).toHaveLength(50);
    expect(await page.locator("[data-pager-status]").innerText()).toBe(`50 of ${whole.total} on this page, the newest first`);
    // The page is a screen or two, not a 9,703 px list.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(6_000);

    await page.getByRole("link", { name: "Next 50 older" }).click();
    await page.waitForURL((url) => url.searchParams.has("cursor"));
    await page.getByRole("link", { name: "Newest" }).waitFor();
    const second = await cellTexts(page, caption);
    expect(second.length).toBe(Math.min(50, whole.total - 50));
    // The second page holds the next rows of the one long list: the services in the same order.
    expect(second.map((cells) => cells[1])).toEqual(whole.items.slice(50, 100).map((item: { service: string }) => item.service));

    await page.getByRole("link", { name: "By team" }).click();
    await page.waitForURL((url) => url.searchParams.get("group") === "team" && !url.searchParams.has("cursor"));
    await page.getByRole("table", { name: "Production deployments per team" }).waitFor();
    const groups = await cellTexts(page, "Production deployments per team");
    const counted = await getDb().$queryRaw<{ name: string; n: number }[]>`
      SELECT coalesce(t.name, 'No team') AS name, count(*)::int AS n
      FROM deployments d JOIN environments e ON e.id = d.environment_id AND e.is_production LEFT JOIN teams t ON t.id = d.team_id
      WHERE d.started_at >= ${from}::date AND d.started_at < ${to}::date + 1
      GROUP BY 1`;
    expect(new Map(groups.map(([name, count]) => [name, Number(count)]))).toEqual(new Map(counted.map((row) => [row.name, row.n])));
    const team = await getDb().team.findFirstOrThrow({ where: { name: groups.find(([name]) => name !== "No team")![0] } });
    await page.getByRole("table", { name: "Production deployments per team" }).getByRole("link", { name: team.name, exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("team") === team.slug && url.searchParams.get("drill") === "deployments");
    await saveScreenshot(page, "metrics-drilldown-grouped");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});

describe("the fleet page's deployment chart, below the fold", () => {
  it("has bars in a full-page screenshot without scrolling, and the full chart when printed", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800 });
    await page.goto("/");
    await page.waitForLoadState("networkidle");
    const plot = page.getByRole("img", { name: /^Deployments and failures per day, all environments, last 30 days \(UTC\): \d+ deployments, \d+ failures$/ });
    expect(await plot.evaluate((element) => element.getBoundingClientRect().top)).toBeGreaterThan(800);
    await saveScreenshot(page, "fleet-full-page");
    const barHeights = (selector: string) =>
      plot.locator(selector).evaluateAll((bars) => bars.map((bar) => (bar as SVGGraphicsElement).getBoundingClientRect().height).filter((height) => height > 0).length);
    // In the screenshot (nobody scrolled): the static bars, with some height.
    expect(await barHeights("svg[data-static-bars] rect")).toBeGreaterThan(0);
    expect(await plot.locator("svg.recharts-surface").count()).toBe(0);

    // Printing draws the full chart, still without scrolling.
    await page.emulateMedia({ media: "print" });
    await plot.locator("svg.recharts-surface .recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
    expect(await barHeights("svg.recharts-surface .recharts-bar-rectangle path")).toBeGreaterThan(0);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(problems).toEqual([]);
  }, 90_000);
});
