// The fleet page (/) in a real browser against `next start` and the seeded demo fleet: every
// number and row it shows is checked against the same database, queried here independently
// of lib/fleet/get-fleet-overview.ts. The page words times and counts recent deployments
// against the real clock, so those are computed for the moments just before and after the
// page was rendered.
import type { Locator } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { formatRelativeTime } from "../../lib/format/format-time";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";
import { e2eViewer } from "../support/sign-in";

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
    expect(cards.slice(5, 7).map(([label, , hint]) => [label, hint])).toEqual([
      ["Deployments", "last 24 hours"],
      ["Deployments", "last 7 days"],
    ]);
    expect(cards[5]?.[1]).toBeOneOf(last24h.map(number));
    expect(cards[6]?.[1]).toBeOneOf(last7d.map(number));

    // Change failure rate: production deployments started on the last 7 UTC days (today
    // included) whose status counts as a failure under the default DORA definitions.
    const productionSince = async (end: Date) => {
      const from = new Date(Math.floor(end.getTime() / (24 * HOUR)) * 24 * HOUR - 6 * 24 * HOUR);
      const where = { startedAt: { gte: from }, environment: { isProduction: true } };
      const [all, failed] = await Promise.all([
        db.deployment.count({ where }),
        db.deployment.count({ where: { ...where, status: { in: ["FAILED", "DEGRADED", "ROLLED_BACK"] as const } } }),
      ]);
      return all === 0
        ? ["–", "no production deployments, last 7 days"]
        : [
            new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(failed / all),
            `${number(failed)} of ${number(all)} in production, last 7 days`,
          ];
    };
    expect(cards[7]?.[0]).toBe("Change failure rate");
    expect(cards[7]?.slice(1)).toBeOneOf(await Promise.all([renderedAfter, renderedBefore].map(productionSince)));
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

  it("describes the deployment trend at once and draws it when it scrolls into view, in the box it had", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800 });
    await page.goto("/");
    await page.waitForLoadState("networkidle");
    const plot = page.getByRole("img", { name: /^Deployments and failures per day, all environments, last 30 days \(UTC\): \d+ deployments, \d+ failures$/ });
    const plotBox = () => plot.evaluate((element) => ({ top: element.getBoundingClientRect().top + window.scrollY, height: element.getBoundingClientRect().height }));
    const before = await plotBox();
    // Below the fold at 1280×800: nothing of recharts is loaded or drawn until the reader gets
    // there; the server's static bars stand in its place (for screenshots and prints).
    expect(before.top).toBeGreaterThan(800);
    expect(await plot.locator("svg.recharts-surface").count()).toBe(0);
    expect(await plot.locator("svg[data-static-bars] rect").count()).toBeGreaterThan(0);

    await plot.scrollIntoViewIfNeeded();
    await plot.locator("svg.recharts-surface .recharts-bar-rectangle").first().waitFor();
    expect(await plotBox()).toEqual(before);
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------- the health matrix

type MatrixCellTruth = { service: string; environment: string; worst: string; versions: string[] };

/** What each (service, environment) cell should show, straight from the applications table. */
async function matrixTruth(): Promise<MatrixCellTruth[]> {
  return getDb().$queryRaw<MatrixCellTruth[]>`
    SELECT s.name AS service, e.name AS environment,
      (array_agg(a.health_status::text ORDER BY CASE a.health_status
        WHEN 'DEGRADED' THEN 0 WHEN 'MISSING' THEN 1 WHEN 'UNKNOWN' THEN 2 WHEN 'PROGRESSING' THEN 3 WHEN 'SUSPENDED' THEN 4 ELSE 5 END))[1] AS worst,
      coalesce(array_agg(DISTINCT r.version) FILTER (WHERE r.version IS NOT NULL), '{}') AS versions
    FROM applications a
    JOIN services s ON s.id = a.service_id
    JOIN environments e ON e.id = a.environment_id
    LEFT JOIN releases r ON r.id = a.current_release_id
    WHERE a.deleted_at IS NULL
    GROUP BY s.name, e.name`;
}

async function serviceNames(where: "all" | "degraded"): Promise<string[]> {
  const rows =
    where === "all"
      ? await getDb().$queryRaw<{ name: string }[]>`SELECT name FROM services ORDER BY name`
      : await getDb().$queryRaw<{ name: string }[]>`
          SELECT s.name FROM services s
          JOIN applications a ON a.service_id = s.id AND a.deleted_at IS NULL AND a.health_status = 'DEGRADED'
          GROUP BY s.id, s.name
          ORDER BY count(*) DESC, s.name`; // worst first
  return rows.map((row) => row.name);
}

/** The matrix rows the DOM holds now: service, and per environment cell its health and version text. */
async function renderedRows(page: CheckedPage["page"]) {
  return page.locator("[role=row][data-service]").evaluateAll((rows) =>
    rows.map((row) => ({
      index: Number((row as HTMLElement).dataset.row),
      service: (row as HTMLElement).dataset.service!,
      cells: Array.from(row.querySelectorAll("[role=cell]"))
        .slice(0, -1)
        .map((cell) => {
          const link = cell.querySelector("a[data-health]") as HTMLAnchorElement | null;
          return link ? { health: link.dataset.health!, version: link.querySelector("[data-version]")!.textContent!.trim(), href: link.getAttribute("href")! } : null;
        }),
    })),
  );
}

const countText = (page: CheckedPage["page"]) => page.getByTestId("matrix-count").innerText();

describe("the health matrix", () => {
  it("shows each service's worst health and version per environment, as the database has them", async () => {
    const page = fleetPage.page;
    const [truth, environments, names] = await Promise.all([
      matrixTruth(),
      getDb().environment.findMany({ orderBy: [{ rank: "asc" }, { name: "asc" }] }),
      serviceNames("all"),
    ]);
    expect(await countText(page)).toBe(`${names.length} services`);
    const headers = await page.locator("[role=table] [role=columnheader]").allInnerTexts();
    expect(headers.map((header) => header.replace(/\s+/g, " ").trim())).toEqual([
      "Service",
      ...environments.map((environment) => (environment.isProduction ? `${environment.name} production` : environment.name)),
      "Skew",
    ]);

    const rows = await renderedRows(page);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.map((row) => row.service)).toEqual(names.slice(0, rows.length));
    for (const row of rows) {
      expect(row.cells).toEqual(
        environments.map((environment) => {
          const cell = truth.find((candidate) => candidate.service === row.service && candidate.environment === environment.name);
          if (!cell) return null;
          const version = cell.versions.length === 0 ? "unknown" : cell.versions.length === 1 ? cell.versions[0] : `${cell.versions.length} versions`;
          return { health: cell.worst, version, href: `/timeline?service=${encodeURIComponent(row.service)}&environment=${environment.name}` };
        }),
      );
    }
    // The trouble seeded into the demo makes at least one red cell.
    expect(rows.some((row) => row.cells.some((cell) => cell?.health === "DEGRADED"))).toBe(true);
  });

  it("finds a degraded service: filter to degraded, search it, open it", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 900 });
    await page.goto("/");
    await page.evaluate(() => ((window as unknown as { stayedLoaded: boolean }).stayedLoaded = true));
    const degraded = await serviceNames("degraded");
    expect(degraded.length).toBeGreaterThan(0);

    await page.getByRole("group", { name: "Show" }).getByRole("link", { name: "Degraded" }).click();
    await page.waitForURL("/?only=degraded");
    await page.getByTestId("matrix-count").filter({ hasText: new RegExp(`^${degraded.length} services?, most degraded applications first$`) }).waitFor();
    expect((await renderedRows(page)).map((row) => row.service)).toEqual(degraded);

    const target = degraded[0]!;
    const fragment = target.slice(1, 6);
    await page.getByRole("searchbox", { name: "Search services by name" }).pressSequentially(fragment, { delay: 30 });
    await page.waitForURL(`/?q=${encodeURIComponent(fragment)}&only=degraded`);
    const expected = degraded.filter((name) => name.toLowerCase().includes(fragment.toLowerCase()));
    await page.getByTestId("matrix-count").filter({ hasText: new RegExp(`^${expected.length} services?, most degraded applications first$`) }).waitFor();
    const rows = await renderedRows(page);
    expect(rows.map((row) => row.service)).toEqual(expected);
    expect(rows[0]!.cells.some((cell) => cell?.health === "DEGRADED")).toBe(true);
    await saveScreenshot(page, "fleet-page-degraded-search");

    await page.locator(`[role=row][data-service="${target}"]`).getByRole("link", { name: target, exact: true }).click();
    await page.waitForURL(`/services/${target}`);
    // The service page streams in after its loading state.
    await page.getByRole("heading", { level: 1 }).filter({ hasText: target }).waitFor();
    // Client-side navigation all along: the same document.
    expect(await page.evaluate(() => (window as unknown as { stayedLoaded?: boolean }).stayedLoaded)).toBe(true);
    expect(problems).toEqual([]);
  });

  it("groups by team and environment from the URL, and the back button returns to the previous grouping", async () => {
    const { page, problems } = await browser.openPage();
    const db = getDb();
    await page.goto("/?group=team");
    await page.evaluate(() => ((window as unknown as { stayedLoaded: boolean }).stayedLoaded = true));
    const headerTexts = () => page.locator("[data-group-header]").allInnerTexts().then((texts) => texts.map((text) => text.replace(/\s+/g, " ").trim()));
    const rowsLabel = (rows: number) => `${rows} ${rows === 1 ? "row" : "rows"}`;

    const teams = await db.team.findMany({ include: { _count: { select: { services: true } } } });
    const teamless = await db.service.count({ where: { teamId: null } });
    const byTeam = teams
      .filter((team) => team._count.services > 0)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((team) => `${team.name} ${rowsLabel(team._count.services)}`);
    if (teamless > 0) byTeam.push(`No team ${rowsLabel(teamless)}`);
    // All of the demo's groups fit the first screen only if they are few; compare what is shown.
    // React may still hold streamed rows in a hidden container after the load event (it reveals
    // Suspense boundaries in batches), and innerText of a hidden element runs words together.
    await page.locator("[data-group-header]").first().waitFor({ state: "visible" });
    const shownTeams = await headerTexts();
    expect(shownTeams.length).toBeGreaterThan(0);
    expect(shownTeams).toEqual(byTeam.slice(0, shownTeams.length));
    expect(await countText(page)).toBe(`${await db.service.count()} services in ${byTeam.length} teams`);
    await saveScreenshot(page, "fleet-page-by-team");
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole("group", { name: "Group by" }).getByRole("link", { name: "Environment" }).click();
    await page.waitForURL("/?group=environment");
    const pairs = await db.$queryRaw<{ name: string; rows: number }[]>`
      SELECT e.name, count(DISTINCT a.service_id)::int AS rows FROM applications a JOIN environments e ON e.id = a.environment_id
      WHERE a.deleted_at IS NULL GROUP BY e.name, e.rank ORDER BY e.rank`;
    const pairTotal = pairs.reduce((sum, pair) => sum + pair.rows, 0);
    await page.getByTestId("matrix-count").filter({ hasText: new RegExp(`^${pairTotal} rows in ${pairs.length} environments$`) }).waitFor();
    const shownEnvironments = await headerTexts();
    expect(shownEnvironments).toEqual(pairs.map((pair) => `${pair.name} ${rowsLabel(pair.rows)}`).slice(0, shownEnvironments.length));

    await page.goBack();
    await page.waitForURL("/?group=team");
    await page.getByTestId("matrix-count").filter({ hasText: new RegExp(`^\\d+ services in ${byTeam.length} teams$`) }).waitFor();
    expect(await headerTexts()).toEqual(shownTeams);
    expect(await page.getByRole("group", { name: "Group by" }).getByRole("link", { name: "Team" }).getAttribute("aria-current")).toBe("true");
    expect(await page.evaluate(() => (window as unknown as { stayedLoaded?: boolean }).stayedLoaded)).toBe(true);
    expect(problems).toEqual([]);
  });

  it("takes what is typed along when a grouping is chosen before the search has gone out", async () => {
    const { page, problems } = await browser.openPage();
    await page.goto("/");
    const [first] = await serviceNames("all");
    const fragment = first!.slice(0, 4);
    await page.getByRole("searchbox", { name: "Search services by name" }).fill(fragment);
    await page.getByRole("group", { name: "Group by" }).getByRole("link", { name: "Region" }).click();
    await page.waitForURL(`/?group=region&q=${encodeURIComponent(fragment)}`);
    const [counted] = await getDb().$queryRaw<{ rows: number; regions: number }[]>`
      SELECT count(DISTINCT (coalesce(c.region, ''), a.service_id))::int AS rows, count(DISTINCT coalesce(c.region, ''))::int AS regions
      FROM applications a JOIN clusters c ON c.id = a.cluster_id JOIN services s ON s.id = a.service_id
      WHERE a.deleted_at IS NULL AND s.name ILIKE ${`%${fragment}%`}`;
    await page
      .getByTestId("matrix-count")
      .filter({ hasText: new RegExp(`^${counted!.rows} rows? in ${counted!.regions} regions?$`) })
      .waitFor();
    // The debounced search must not fire afterwards with the old grouping.
    await page.waitForTimeout(600);
    expect(new URL(page.url()).search).toBe(`?group=region&q=${encodeURIComponent(fragment)}`);
    expect(problems).toEqual([]);
  });

  it("keeps the DOM to a window of rows and fetches further rows from the API as they scroll into view", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800 });
    const matrixRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/fleet/matrix")) matrixRequests.push(request.url());
    });
    const [counted] = await getDb().$queryRaw<{ pairs: number }[]>`
      SELECT count(DISTINCT (cluster_id, service_id))::int AS pairs FROM applications WHERE deleted_at IS NULL`;
    const pairs = counted!.pairs;
    // Grouped by cluster the 12-service demo has more rows than one window of 30.
    expect(pairs).toBeGreaterThan(30);
    await page.goto("/?group=cluster");
    const scroller = page.getByTestId("matrix-scroll");

    const bound = async () =>
      scroller.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const items = Array.from(element.querySelectorAll("[role=rowgroup]:last-child > [role=row]"));
        const visible = items.filter((item) => {
          const rect = item.getBoundingClientRect();
          return rect.bottom > box.top && rect.top < box.bottom;
        });
        return { rendered: items.length, visible: visible.length };
      });
    await saveScreenshot(page, "fleet-page-by-cluster");
    const atTop = await bound();
    expect(atTop.visible).toBeGreaterThan(5);
    expect(atTop.rendered).toBeLessThanOrEqual(2 * atTop.visible);
    expect(matrixRequests).toEqual([]);

    await scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await page.waitForFunction((last) => document.querySelector(`[role=row][data-row="${last}"][data-service]`) !== null, pairs - 1);
    const atBottom = await bound();
    expect(atBottom.rendered).toBeLessThanOrEqual(2 * atBottom.visible);
    expect(matrixRequests.length).toBeGreaterThan(0);
    expect(matrixRequests.map((url) => Object.fromEntries(new URL(url).searchParams))).toContainEqual({ group: "cluster", offset: "30", limit: "30" });
    expect(problems).toEqual([]);
  });

  it("says clearly when the URL asks for a grouping or filter that does not exist", async () => {
    const { page, problems } = await browser.openPage();
    const response = await page.goto("/?group=planet&only=broken");
    expect(response?.status()).toBe(200);
    // Next's route announcer is an alert too; this is the page's own.
    const alert = page.getByRole("alert").filter({ hasText: "does not have" });
    expect((await alert.innerText()).replace(/\s+/g, " ")).toContain("group “planet”: must be one of none, team, environment, cluster, region");
    expect(await alert.innerText()).toContain("only “broken”: must be one of degraded, out-of-sync, skewed");
    // The rest of the page still works, with the defaults.
    expect(await countText(page)).toBe(`${await getDb().service.count()} services`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe("GET /api/v1/fleet/matrix", () => {
  const api = async (query: string) => {
    const { cookie } = await e2eViewer();
    const response = await fetch(new URL(`/api/v1/fleet/matrix${query}`, inject("shiplogUrl")), { headers: { "Accept-Encoding": "gzip", cookie } });
    return { status: response.status, body: await response.json() };
  };

  it("walks the whole matrix in windows, every service once, in name order", async () => {
    const names = await serviceNames("all");
    const seen: string[] = [];
    for (let offset = 0; offset < names.length; offset += 5) {
      const { status, body } = await api(`?limit=5&offset=${offset}`);
      expect(status).toBe(200);
      expect(body.total).toBe(names.length);
      expect(body.rows.length).toBe(Math.min(5, names.length - offset));
      seen.push(...body.rows.map((row: { service: string }) => row.service));
    }
    expect(seen).toEqual(names);
  });

  it("answers 400 naming a bad parameter", async () => {
    const { status, body } = await api("?group=planet");
    expect(status).toBe(400);
    expect(body.error.message).toBe("group: must be one of none, team, environment, cluster, region");
  });
});
