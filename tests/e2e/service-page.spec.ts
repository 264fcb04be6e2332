// The service page (/services/[name]) in a real browser against `next start` and the seeded demo
// fleet: which version runs in each environment and cluster (skew marked), the deployment
// history with keyset "load more", the DORA numbers and the links out. What each shows is
// queried here straight from the database, independently of lib/services/get-service.ts.
import type { Locator } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const browser = useBrowser();

type Target = { id: number; name: string; repository: string | null; team: string | null };
type ApplicationRow = { id: number; environment: string; cluster: string; region: string | null; name: string; version: string | null; health: string; sync: string };

let target: Target;
let applications: ApplicationRow[];
let servicePage: CheckedPage;
let status: number | undefined;

/** The service with the most deployments, preferring one whose environment runs two versions at once. */
async function findTarget(): Promise<Target> {
  const [found] = await getDb().$queryRaw<Target[]>`
    SELECT s.id, s.name, s.repository, t.name AS team
    FROM services s LEFT JOIN teams t ON t.id = s.team_id
    ORDER BY
      EXISTS (SELECT 1 FROM applications a WHERE a.service_id = s.id AND a.deleted_at IS NULL
        GROUP BY a.environment_id HAVING count(DISTINCT a.current_release_id) > 1) DESC,
      (SELECT count(*) FROM deployments d WHERE d.service_id = s.id) DESC, s.name
    LIMIT 1`;
  if (!found) throw new Error("the demo fleet has no services");
  return found;
}

async function bodyRows(table: Locator): Promise<string[][]> {
  return table.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => Array.from(row.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())),
  );
}

/** The service's deployments, newest first, as the history table words each row. */
async function expectedHistory(serviceId: number, limit: number): Promise<string[][]> {
  const rows = await getDb().$queryRaw<{ environment: string; cluster: string; version: string | null; initiated_by: string | null; automated: boolean; status: string; is_rollback: boolean }[]>`
    SELECT e.name AS environment, c.name AS cluster, r.version, d.initiated_by, d.automated, d.status::text AS status, d.is_rollback
    FROM deployments d JOIN environments e ON e.id = d.environment_id JOIN clusters c ON c.id = d.cluster_id
    LEFT JOIN releases r ON r.id = d.release_id
    WHERE d.service_id = ${serviceId}
    ORDER BY d.started_at DESC, d.id DESC LIMIT ${limit}`;
  const labels: Record<string, string> = { SUCCEEDED: "Succeeded", RUNNING: "Running", FAILED: "Failed", DEGRADED: "Degraded", ROLLED_BACK: "Rolled back" };
  return rows.map((row) => [
    row.environment,
    row.cluster,
    row.version ?? "unknown",
    labels[row.status]! + (row.is_rollback ? " rollback" : ""),
    row.initiated_by ?? (row.automated ? "automated sync" : "unknown"),
  ]);
}

beforeAll(async () => {
  target = await findTarget();
  applications = await getDb().$queryRaw<ApplicationRow[]>`
    SELECT a.id, e.name AS environment, c.name AS cluster, c.region, a.name, r.version, a.health_status::text AS health, a.sync_status::text AS sync
    FROM applications a JOIN environments e ON e.id = a.environment_id JOIN clusters c ON c.id = a.cluster_id
    LEFT JOIN releases r ON r.id = a.current_release_id
    WHERE a.service_id = ${target.id} AND a.deleted_at IS NULL
    ORDER BY e.rank, e.name, c.name, a.name, a.id`;
  servicePage = await browser.openPage({ width: 1280, height: 800 });
  const response = await servicePage.page.goto(`/services/${encodeURIComponent(target.name)}`);
  status = response?.status();
  // Not networkidle: the DORA links prefetch /metrics, whose answers may stream for a while.
  await servicePage.page.getByRole("region", { name: "DORA metrics, last 30 days" }).waitFor();
  await saveScreenshot(servicePage.page, "service-page");
});

describe("a service's page", () => {
  it("answers 200 with the service's name, owners and repository link", async () => {
    const { page } = servicePage;
    expect(status).toBe(200);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(target.name);
    await expect(page.title()).resolves.toBe(`${target.name} · Shiplog`);
    const facts = await page.locator("main dl").first().innerText();
    if (target.team) expect(facts).toContain(target.team);
    if (target.repository) {
      expect(await page.getByRole("link", { name: `${target.repository} on GitHub` }).getAttribute("href")).toBe(`https://github.com/${target.repository}`);
    }
  });

  it("shows which version runs in each environment and cluster, as the database says, and marks skew", async () => {
    const { page } = servicePage;
    const section = page.getByRole("region", { name: "What runs where" });
    const health: Record<string, string> = { HEALTHY: "Healthy", PROGRESSING: "Progressing", DEGRADED: "Degraded", SUSPENDED: "Suspended", MISSING: "Missing", UNKNOWN: "Unknown" };
    const sync: Record<string, string> = { SYNCED: "Synced", OUT_OF_SYNC: "Out of sync", UNKNOWN: "Unknown" };
    const environments = [...new Set(applications.map((application) => application.environment))];
    expect(await section.getByRole("heading", { level: 3 }).evaluateAll((headings) => headings.map((heading) => heading.firstChild?.textContent))).toEqual(environments);

    let skewed = 0;
    for (const environment of environments) {
      const expected = applications.filter((application) => application.environment === environment);
      const rows = await bodyRows(section.getByRole("table", { name: `${target.name} in ${environment}: what each cluster runs` }));
      expect(rows.map((row) => [row[0], row[1], row[2], row[3]!.replace(/ differs$/, ""), row[4], row[5]])).toEqual(
        expected.map((application) => [application.cluster, application.region ?? "—", application.name, application.version ?? "unknown", health[application.health], sync[application.sync]]),
      );
      const versions = new Set(expected.flatMap((application) => application.version ?? []));
      const heading = await section.getByRole("heading", { level: 3, name: new RegExp(`^${environment}`) }).innerText();
      expect(heading.includes("version skew"), environment).toBe(versions.size > 1);
      if (versions.size > 1) {
        skewed += 1;
        expect(rows.some((row) => row[3]!.endsWith("differs"))).toBe(true);
      }
    }
    expect(skewed).toBeGreaterThan(0);
  });

  it("links each running version to its release page", async () => {
    const { page } = servicePage;
    const application = applications.find((candidate) => candidate.version !== null)!;
    const release = await getDb().release.findFirstOrThrow({ where: { serviceId: target.id, version: application.version! } });
    const table = page.getByRole("table", { name: `${target.name} in ${application.environment}: what each cluster runs` });
    expect(await table.getByRole("link", { name: application.version!, exact: true }).first().getAttribute("href")).toBe(`/releases/${release.id}`);
  });

  it("shows the service's DORA numbers", async () => {
    const dora = servicePage.page.getByRole("region", { name: "DORA metrics, last 30 days" });
    expect(await dora.innerText()).toContain("Change failure rate");
  });

  it("lists its deployments newest first and loads more on demand", async () => {
    const { page } = servicePage;
    const table = page.getByRole("table", { name: `Deployments of ${target.name}, newest first` });
    const expected = await expectedHistory(target.id, 40);
    expect(expected.length).toBeGreaterThan(20);
    const first = await bodyRows(table);
    expect(first.map((row) => row.slice(1))).toEqual(expected.slice(0, 20));

    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByText(`${expected.length} shown`).waitFor();
    const more = await bodyRows(table);
    expect(more.map((row) => row.slice(1))).toEqual(expected);
    expect(await page.getByRole("link", { name: "See in timeline" }).getAttribute("href")).toBe(`/timeline?service=${encodeURIComponent(target.name)}`);
    await saveScreenshot(page, "service-page-history");
  });

  it("has no serious or critical accessibility violations (axe-core)", async () => {
    expect(await accessibilityViolations(servicePage.page)).toEqual([]);
  });

  it("fits 1280 px without scrolling sideways", async () => {
    expect(await servicePage.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it("logs no console errors and makes no failed requests", () => {
    expect(servicePage.problems).toEqual([]);
  });
});

describe("an unknown service", () => {
  it("answers the not-found page and 404", async () => {
    const { page } = await browser.openPage();
    const response = await page.goto("/services/no-such-service");
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Service not found");
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
