// Search in a real browser against `next start` and the seeded demo fleet: the header's search
// box takes a SHA prefix or a ticket key (through /search) to /commits/<query>, where the page
// shows where the commit runs, and a service name to /services/<name>; part of a name lists
// the services containing it. What each application should show is computed here straight from the
// database (releases, release_commits, current releases), independently of
// lib/trace/find-commit-locations.ts; unknown queries answer the not-found page with 404.
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { EMPTY_SEARCH, NOTHING_MATCHES } from "../../lib/trace/route-search-query";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const browser = useBrowser();

/** A commit a release added, of a service where some applications run it and some not yet. */
type Target = { sha: string; service: string; releaseVersion: string };
/** Each application of the target's service as the page should list it. */
type ExpectedRow = { environment: string; cluster: string; region: string | null; version: string | null; contains: boolean };

let target: Target;
let expectedRows: ExpectedRow[];
let commitPage: CheckedPage;

async function findTarget(): Promise<Target> {
  const rows = await getDb().$queryRaw<Target[]>`
    SELECT c.sha, s.name AS service, r.version AS "releaseVersion"
    FROM release_commits rc
    JOIN commits c ON c.id = rc.commit_id
    JOIN releases r ON r.id = rc.release_id
    JOIN services s ON s.id = r.service_id
    WHERE NOT EXISTS (
        -- the release that added it is the service's first to contain it
        SELECT 1 FROM release_commits rc2 JOIN releases r2 ON r2.id = rc2.release_id
        WHERE rc2.commit_id = c.id AND r2.service_id = r.service_id AND r2.first_seen_at < r.first_seen_at)
      AND EXISTS (SELECT 1 FROM applications a JOIN releases cur ON cur.id = a.current_release_id
        WHERE a.service_id = s.id AND a.deleted_at IS NULL AND cur.first_seen_at >= r.first_seen_at)
      AND EXISTS (SELECT 1 FROM applications a JOIN releases cur ON cur.id = a.current_release_id
        WHERE a.service_id = s.id AND a.deleted_at IS NULL AND cur.first_seen_at < r.first_seen_at)
      -- the 8-character prefix names this commit alone
      AND (SELECT count(*) FROM commits o WHERE left(o.sha, 8) = left(c.sha, 8)) = 1
      -- built into one service only, so the page has one service section to read
      AND (SELECT count(DISTINCT r3.service_id) FROM release_commits rc3 JOIN releases r3 ON r3.id = rc3.release_id WHERE rc3.commit_id = c.id) = 1
      AND (SELECT count(*) FROM services s2 WHERE s2.repository = c.repository) <= 1
    ORDER BY c.sha
    LIMIT 1`;
  const found = rows[0];
  if (!found) throw new Error("the demo fleet has no commit running in some applications and not yet in others");
  return found;
}

async function expectedApplications(target: Target): Promise<ExpectedRow[]> {
  return getDb().$queryRaw<ExpectedRow[]>`
    SELECT e.name AS environment, cl.name AS cluster, cl.region, cur.version,
      COALESCE(cur.first_seen_at >= r.first_seen_at, false) AS contains
    FROM releases r
    JOIN applications a ON a.service_id = r.service_id AND a.deleted_at IS NULL
    JOIN environments e ON e.id = a.environment_id
    JOIN clusters cl ON cl.id = a.cluster_id
    LEFT JOIN releases cur ON cur.id = a.current_release_id
    WHERE r.version = ${target.releaseVersion} AND r.service_id = (SELECT id FROM services WHERE name = ${target.service})
    ORDER BY e.rank, cl.name, a.name`;
}

/** Body rows of a table as the reader sees them: each cell's text, spaces collapsed. */
async function bodyRows(table: Locator): Promise<string[][]> {
  return table.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => Array.from(row.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())),
  );
}

async function search(page: Page, text: string): Promise<void> {
  // A combobox since it suggests while typing (search-suggestions.spec.ts); Enter without a highlighted suggestion searches.
  const box = page.getByRole("combobox", { name: "Search services, commits, pull requests and tickets" });
  await box.fill(text);
  await box.press("Enter");
}

beforeAll(async () => {
  target = await findTarget();
  expectedRows = await expectedApplications(target);
  commitPage = await browser.openPage({ width: 1280, height: 800 });
  await commitPage.page.goto("/");
  await search(commitPage.page, target.sha.slice(0, 8));
  await commitPage.page.waitForURL(`**/commits/${target.sha.slice(0, 8)}`);
  await commitPage.page.getByRole("heading", { level: 1, name: /Where is/ }).waitFor();
  await commitPage.page.waitForLoadState("networkidle");
  await saveScreenshot(commitPage.page, "commit-page");
});

describe("searching a commit from the header", () => {
  it("lands on /commits/<prefix> with the commit, its repository and author", async () => {
    const { page } = commitPage;
    const prefix = target.sha.slice(0, 8);
    expect(new URL(page.url()).pathname).toBe(`/commits/${prefix}`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`Where is ${prefix} running?`);
    await expect(page.title()).resolves.toBe(`Where is ${prefix} running? · Shiplog`);

    const commit = await getDb().commit.findFirstOrThrow({ where: { sha: target.sha } });
    const section = page.getByRole("region", { name: `Commit ${prefix}` });
    const details = await section.locator("dl").first().innerText();
    expect(details).toContain(target.sha);
    expect(details).toContain(commit.repository);
    if (commit.authorLogin) expect(details).toContain(commit.authorLogin);
    expect(await section.locator("dl time").first().getAttribute("datetime")).toBe(commit.committedAt.toISOString());
  });

  it("shows the first release and, per application, whether it runs the commit, as the database says", async () => {
    const section = commitPage.page.getByRole("region", { name: target.service, exact: true });
    expect(await section.innerText()).toContain(`First in release ${target.releaseVersion}`);
    // Some of each, or the status column would go half unchecked.
    expect(expectedRows.some((row) => row.contains)).toBe(true);
    expect(expectedRows.some((row) => !row.contains)).toBe(true);

    const table = section.getByRole("table", { name: `Applications of ${target.service}: do they run ${target.sha.slice(0, 8)}?` });
    const rows = await bodyRows(table);
    expect(rows.map((row) => row.slice(0, 5))).toEqual(
      expectedRows.map((row) => [row.environment, row.cluster, row.region ?? "—", row.version ?? "unknown", row.contains ? "✓ contains" : "not yet"]),
    );
    // "Since" is a time for every application that contains the commit, a dash for the others.
    expect(rows.map((row) => (row[5] === "—" ? "—" : "time"))).toEqual(expectedRows.map((row) => (row.contains ? "time" : "—")));
  });

  it("has no serious or critical accessibility violations (axe-core)", async () => {
    expect(await accessibilityViolations(commitPage.page)).toEqual([]);
  });

  it("logs no console errors and makes no failed requests", () => {
    expect(commitPage.problems).toEqual([]);
  });
});

describe("searching a ticket key from the header", () => {
  it("lands on /commits/<KEY> and lists the ticket's commits", async () => {
    const [ticket] = await getDb().$queryRaw<{ key: string; shas: string[] }[]>`
      SELECT k.key, array_agg(DISTINCT c.sha ORDER BY c.sha) AS shas
      FROM pull_requests p CROSS JOIN LATERAL unnest(p.ticket_keys) AS k(key)
      JOIN pull_request_commits pc ON pc.pull_request_id = p.id JOIN commits c ON c.id = pc.commit_id
      WHERE k.key <> 'PLAT-1042'
      GROUP BY k.key ORDER BY count(DISTINCT c.sha), k.key LIMIT 1`;
    if (!ticket) throw new Error("the demo fleet has no pull request with a ticket key and commits");

    const { page, problems } = await browser.openPage();
    await page.goto("/");
    await search(page, ticket.key);
    await page.waitForURL(`**/commits/${ticket.key}`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`Where is ${ticket.key} running?`);
    const commits = await page.getByRole("heading", { level: 2, name: /^Commit / }).allInnerTexts();
    expect(commits.sort()).toEqual(ticket.shas.map((sha) => `Commit ${sha.slice(0, 8)}`).sort());
    expect(await page.locator("main").innerText()).toContain(ticket.key);
    expect(problems).toEqual([]);
  });
});

describe("a pull request in the address", () => {
  it("answers /commits/owner%2Frepo%23123 with the pull request's commits", async () => {
    const [pr] = await getDb().$queryRaw<{ repository: string; number: number; shas: string[] }[]>`
      SELECT p.repository, p.number, array_agg(c.sha ORDER BY c.sha) AS shas
      FROM pull_requests p JOIN pull_request_commits pc ON pc.pull_request_id = p.id JOIN commits c ON c.id = pc.commit_id
      GROUP BY p.id ORDER BY p.repository, p.number LIMIT 1`;
    if (!pr) throw new Error("the demo fleet has no pull request with commits");

    const { page, problems } = await browser.openPage();
    const response = await page.goto(`/commits/${encodeURIComponent(`${pr.repository}#${pr.number}`)}`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`Where is ${pr.repository}#${pr.number} running?`);
    const commits = await page.getByRole("heading", { level: 2, name: /^Commit / }).allInnerTexts();
    expect(commits.sort()).toEqual(pr.shas.map((sha) => `Commit ${sha.slice(0, 8)}`).sort());
    expect(problems).toEqual([]);
  });
});

describe("searching a service name from the header", () => {
  it("goes straight to the service's page for its exact name", async () => {
    const [service] = await getDb().$queryRaw<{ name: string }[]>`SELECT name FROM services ORDER BY name LIMIT 1`;
    if (!service) throw new Error("the demo fleet has no services");
    const { page, problems } = await browser.openPage();
    await page.goto("/");
    await search(page, service.name.toUpperCase());
    await page.waitForURL(`**/services/${encodeURIComponent(service.name)}`);
    // The service page streams in behind its loading state: wait for its heading.
    await page.getByRole("heading", { level: 1, name: service.name }).waitFor();
    await saveScreenshot(page, "search-service-exact");
    expect(problems).toEqual([]);
  });

  it("lists the services whose names contain the text, as the database has them, each linking to its page", async () => {
    // A fragment of a name that is no service's whole name and reads as no commit or ticket.
    const [fragment] = await getDb().$queryRaw<{ text: string }[]>`
      SELECT substr(name, 2, 4) AS text FROM services
      WHERE NOT EXISTS (SELECT 1 FROM services o WHERE lower(o.name) = lower(substr(services.name, 2, 4)))
        AND substr(name, 2, 4) !~ '^[0-9a-fA-F]+$'
      ORDER BY (SELECT count(*) FROM services o WHERE o.name ILIKE '%' || substr(services.name, 2, 4) || '%') DESC, name LIMIT 1`;
    if (!fragment) throw new Error("the demo fleet has no service name to search a fragment of");
    const expected = (
      await getDb().$queryRaw<{ name: string }[]>`SELECT name FROM services WHERE name ILIKE ${`%${fragment.text}%`} ORDER BY name`
    ).map((row) => row.name);
    expect(expected.length).toBeGreaterThan(0);

    const { page, problems } = await browser.openPage();
    await page.goto("/");
    await search(page, fragment.text);
    await page.waitForURL(`**/search?q=${encodeURIComponent(fragment.text)}`);
    const list = page.getByRole("region", { name: `Services whose name contains “${fragment.text}”` });
    await list.waitFor();
    const names = await list.getByRole("link").allInnerTexts();
    expect([...names].sort()).toEqual(expected.slice(0, 20).sort());
    // Each with its team's name, as other pages show teams (not the slug).
    const teams = new Map(
      (await getDb().$queryRaw<{ service: string; team: string | null }[]>`SELECT s.name AS service, t.name AS team FROM services s LEFT JOIN teams t ON t.id = s.team_id`).map((row) => [row.service, row.team]),
    );
    const shownTeams = await list.locator("li").evaluateAll((items) => items.map((item) => (item.querySelector("span") as HTMLElement).innerText));
    expect(shownTeams).toEqual(names.map((name) => teams.get(name) ?? "no team"));
    // Names starting with the text come first.
    const startsWith = names.map((name) => name.toLowerCase().startsWith(fragment.text.toLowerCase()));
    expect(startsWith).toEqual([...startsWith].sort((a, b) => Number(b) - Number(a)));
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "search-service-matches");

    await list.getByRole("link", { name: names[0]!, exact: true }).click();
    await page.waitForURL(`**/services/${encodeURIComponent(names[0]!)}`);
    expect(problems).toEqual([]);
  });
});

describe("a search that names nothing", () => {
  it("says so on /search when the text is no service, commit, pull request or ticket", async () => {
    const { page, problems } = await browser.openPage();
    await page.goto("/");
    await search(page, "zz-no-such-service");
    await page.waitForURL("**/search?q=zz-no-such-service");
    await page.getByText(`${NOTHING_MATCHES} “zz-no-such-service”`).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("keeps the page and asks for something when the box is empty", async () => {
    const { page, problems } = await browser.openPage();
    await page.goto("/");
    await search(page, "   ");
    await page.getByRole("status").filter({ hasText: EMPTY_SEARCH }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    expect(problems).toEqual([]);
  });

  it.each([
    ["an unknown SHA", "0000000deadbeef", "0000000deadbeef"],
    ["an unknown ticket", "ZZZ-999999", "ZZZ-999999"],
    ["an unknown pull request", encodeURIComponent("nobody/nothing#1"), "nobody/nothing#1"],
    ["a malformed query", "not-a-sha", "not-a-sha"],
  ])("answers %s with the not-found page and 404", async (_, segment, shown) => {
    const { page } = await browser.openPage();
    const response = await page.goto(`/commits/${segment}`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Commit not found");
    expect(await page.locator("main").innerText()).toContain(`matching ${shown}.`);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
