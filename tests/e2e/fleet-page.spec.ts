// The fleet page (/) in a real browser against `next start` and the seeded demo fleet: every
// number and row it shows is checked against the same database, queried here independently
// of lib/fleet/get-fleet-overview.ts. The page words times and counts recent deployments
// against the real clock, so those are computed for the moments just before and after the
// page was rendered.
import type { Locator } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { formatRelativeTime } from "../../lib/format/format-time";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const HOUR = 3_600_000;
const browser = useBrowser();

let fleetPage: CheckedPage;
let status: number | undefined;
/** The page was rendered between these two instants. */
let renderedAfter: Date;
let renderedBefore: Date;

beforeAll(async () => {
  fleetPage = await browser.openPage({ width: 1280, height: 800 });
  renderedAfter = new Date();
  const response = await fleetPage.page.goto("/");
  renderedBefore = new Date();
  status = response?.status();
  await fleetPage.page.waitForLoadState("networkidle");
  // Taken first, so it is there to look at whatever fails below.
  await saveScreenshot(fleetPage.page, "fleet-page");
});

/** Rows of a table (thead, tbody or tfoot) as the reader sees them: each cell's text, spaces collapsed. */
async function rowsOf(table: Locator, section: "thead" | "tbody" | "tfoot"): Promise<string[][]> {
  return table.locator(`${section} tr`).evaluateAll((rows) =>
    rows.map((row) => Array.from(row.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())),
  );
}

const number = (value: number) => new Intl.NumberFormat("en-US").format(value);

describe("the fleet page", () => {
  it("answers 200 under the title Fleet", async () => {
    expect(status).toBe(200);
    await expect(fleetPage.page.title()).resolves.toBe("Shiplog");
    expect(await fleetPage.page.getByRole("heading", { level: 1 }).innerText()).toBe("Fleet");
  });

  it("shows the headline numbers the database holds", async () => {
    const db = getDb();
    const live = { deletedAt: null };
    const deploymentsSince = async (hours: number) =>
      Promise.all(
        [renderedAfter, renderedBefore].map((end) =>
          db.deployment.count({ where: { startedAt: { gte: new Date(end.getTime() - hours * HOUR) } } }),
        ),
      );
    const [applications, services, teams, degraded, outOfSync, last24h, last7d] = await Promise.all([
      db.application.count({ where: live }),
      db.service.count(),
      db.team.count(),
      db.application.count({ where: { ...live, healthStatus: "DEGRADED" } }),
      db.application.count({ where: { ...live, syncStatus: "OUT_OF_SYNC" } }),
      deploymentsSince(24),
      deploymentsSince(24 * 7),
    ]);
    // The seeded fleet (tests/support/demo-fleet-trouble.ts) has trouble to show: without it
    // the degraded list and status columns would go unchecked.
    expect(services).toBe(12);
    expect(degraded).toBeGreaterThanOrEqual(2);
    expect(outOfSync).toBeGreaterThanOrEqual(1);

    const cards = await fleetPage.page.locator("main dl > div").evaluateAll((divs) =>
      divs.map((div) => Array.from(div.querySelectorAll("dt, dd"), (item) => (item as HTMLElement).innerText.trim())),
    );
    expect(cards.slice(0, 5)).toEqual([
      ["Applications", number(applications)],
      ["Services", number(services)],
      ["Teams", number(teams)],
      ["Degraded", number(degraded), "applications now"],
      ["Out of sync", number(outOfSync), "applications now"],
    ]);
    expect(cards.slice(5).map(([label, , hint]) => [label, hint])).toEqual([
      ["Deployments", "last 24 hours"],
      ["Deployments", "last 7 days"],
    ]);
    expect(cards[5]?.[1]).toBeOneOf(last24h.map(number));
    expect(cards[6]?.[1]).toBeOneOf(last7d.map(number));
  });

  it("breaks applications down by environment, with totals", async () => {
    const db = getDb();
    const [environments, byHealth, bySync] = await Promise.all([
      db.environment.findMany({ orderBy: [{ rank: "asc" }, { name: "asc" }] }),
      db.application.groupBy({ by: ["environmentId", "healthStatus"], where: { deletedAt: null }, _count: { _all: true } }),
      db.application.groupBy({ by: ["environmentId", "syncStatus"], where: { deletedAt: null }, _count: { _all: true } }),
    ]);
    type Group = { environmentId: number; _count: { _all: number } };
    const total = (groups: Group[], environmentId: number | null) =>
      groups.filter((group) => environmentId === null || group.environmentId === environmentId).reduce((sum, group) => sum + group._count._all, 0);
    const health = (status: string) => byHealth.filter((group) => group.healthStatus === status);
    /** The row's numbers: applications, healthy, degraded, progressing, out of sync (null: all environments). */
    const countsOf = (environmentId: number | null) =>
      [byHealth, health("HEALTHY"), health("DEGRADED"), health("PROGRESSING"), bySync.filter((group) => group.syncStatus === "OUT_OF_SYNC")].map(
        (groups) => number(total(groups, environmentId)),
      );

    const table = fleetPage.page.getByRole("table", { name: "Applications by environment: health and sync now" });
    await expect(table.isVisible()).resolves.toBe(true);
    expect(await rowsOf(table, "thead")).toEqual([["Environment", "Applications", "Healthy", "Degraded", "Progressing", "Out of sync"]]);
    expect(environments.map((environment) => environment.name)).toEqual(["dev", "staging", "prod"]);
    expect(await rowsOf(table, "tbody")).toEqual(
      environments.map((environment) => [
        environment.isProduction ? `${environment.name} production` : environment.name,
        ...countsOf(environment.id),
      ]),
    );
    expect(await rowsOf(table, "tfoot")).toEqual([["All environments", ...countsOf(null)]]);
  });

  it("lists the most recently degraded applications, newest first, with how long ago", async () => {
    const degraded = await getDb().application.findMany({
      where: { deletedAt: null, healthStatus: "DEGRADED" },
      include: { service: true, environment: true, cluster: true, lastDeployment: { select: { degradedAt: true } } },
    });
    const since = (application: (typeof degraded)[number]) => application.lastDeployment?.degradedAt ?? null;
    const expected = degraded
      .sort((a, b) => (since(b)?.getTime() ?? -Infinity) - (since(a)?.getTime() ?? -Infinity) || b.id - a.id)
      .slice(0, 10);

    const section = fleetPage.page.getByRole("region", { name: "Recently degraded" });
    const table = section.getByRole("table", { name: "Degraded applications, most recent first" });
    expect(await rowsOf(table, "thead")).toEqual([["Service", "Application", "Environment", "Cluster", "Degraded since"]]);
    const rows = await rowsOf(table, "tbody");
    expect(rows.map((row) => row.slice(0, 4))).toEqual(
      expected.map((application) => [
        application.service.name,
        `${application.namespace}/${application.name}`,
        application.environment.isProduction ? `${application.environment.name} production` : application.environment.name,
        application.cluster.name,
      ]),
    );

    const times = await table.locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => tr.querySelector("td:last-child time")?.getAttribute("datetime") ?? null),
    );
    expect(times).toEqual(expected.map((application) => since(application)?.toISOString() ?? null));
    expected.forEach((application, index) => {
      const at = since(application);
      const wording = at ? [renderedAfter, renderedBefore].map((now) => formatRelativeTime(at, now)) : ["unknown"];
      expect(rows[index]?.[4]).toBeOneOf(wording);
    });

    const note = section.getByText(/^The \d+ most recent of/);
    if (degraded.length > expected.length) {
      expect(await note.innerText()).toBe(`The ${expected.length} most recent of ${number(degraded.length)}`);
    } else {
      expect(await note.count()).toBe(0);
    }
  });

  it("has no serious or critical accessibility violations (axe-core)", async () => {
    expect(await accessibilityViolations(fleetPage.page)).toEqual([]);
  });

  it("fits a 1280 px wide window without horizontal scrolling", async () => {
    const overflow = await fleetPage.page.evaluate(() => ({
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      // Tables scroll inside their own box on narrow screens; at 1280 px none should need to.
      tables: Array.from(document.querySelectorAll("table"), (table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth),
    }));
    expect(overflow).toEqual({ page: 0, tables: overflow.tables.map(() => 0) });
  });

  it("logs no console errors and makes no failed requests", () => {
    expect(fleetPage.problems).toEqual([]);
  });
});
