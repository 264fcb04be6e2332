// The release drill-down (/releases/[id]) in a real browser against `next start` and the seeded
// demo fleet. The main task: open a release and see the commits and pull requests it added,
// where it rolled out (and where not yet), a deployment's event log, and a comparison with an
// older release. What each should show is queried here straight from the database,
// independently of lib/releases/*; unknown and malformed ids answer the 404 page.
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const browser = useBrowser();

type Target = { id: number; version: string; service: string; serviceId: number; firstSeenAt: Date };

let target: Target;
let releasePage: CheckedPage;
let status: number | undefined;

/** A release with several commits carrying pull requests and at least three older releases to compare with. */
async function findTarget(): Promise<Target> {
  const [found] = await getDb().$queryRaw<Target[]>`
    SELECT r.id, r.version, s.name AS service, s.id AS "serviceId", r.first_seen_at AS "firstSeenAt"
    FROM releases r JOIN services s ON s.id = r.service_id
    WHERE (SELECT count(*) FROM release_commits rc JOIN pull_request_commits pc ON pc.commit_id = rc.commit_id WHERE rc.release_id = r.id) >= 2
      AND (SELECT count(*) FROM releases o WHERE o.service_id = r.service_id AND o.first_seen_at < r.first_seen_at) >= 3
      AND EXISTS (SELECT 1 FROM deployments d WHERE d.release_id = r.id)
    ORDER BY r.first_seen_at DESC, r.id DESC
    LIMIT 1`;
  if (!found) throw new Error("the demo fleet has no release with pull requests and three older releases");
  return found;
}

/** A release that has reached some applications of its service and not others, and added no known commits. */
async function findPartialRelease(): Promise<Target> {
  const [found] = await getDb().$queryRaw<Target[]>`
    SELECT r.id, r.version, s.name AS service, s.id AS "serviceId", r.first_seen_at AS "firstSeenAt"
    FROM releases r JOIN services s ON s.id = r.service_id
    WHERE NOT EXISTS (SELECT 1 FROM release_commits rc WHERE rc.release_id = r.id)
      AND EXISTS (SELECT 1 FROM deployments d WHERE d.release_id = r.id)
      AND EXISTS (SELECT 1 FROM applications a WHERE a.service_id = r.service_id AND a.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.release_id = r.id AND d.application_id = a.id))
    ORDER BY r.id LIMIT 1`;
  if (!found) throw new Error("the demo fleet has no release that reached some clusters and not others (tests/support/demo-fleet-trouble.ts)");
  return found;
}

/** What the rollout tables must show for a release: per application of the service, its latest deployment of it. */
async function checkRollout(page: Page, release: Target): Promise<{ reached: number; total: number }> {
  const applications = await getDb().$queryRaw<{ environment: string; cluster: string; region: string | null; name: string; deleted: boolean; status: string | null; current_release_id: number | null }[]>`
    SELECT e.name AS environment, c.name AS cluster, c.region, a.name, a.deleted_at IS NOT NULL AS deleted, a.current_release_id,
      (SELECT d.status::text FROM deployments d WHERE d.release_id = ${release.id} AND d.application_id = a.id ORDER BY d.started_at DESC, d.id DESC LIMIT 1) AS status
    FROM applications a JOIN environments e ON e.id = a.environment_id JOIN clusters c ON c.id = a.cluster_id
    WHERE a.service_id = ${release.serviceId}
      AND (a.deleted_at IS NULL OR EXISTS (SELECT 1 FROM deployments d WHERE d.release_id = ${release.id} AND d.application_id = a.id))
    ORDER BY e.rank, e.name, c.name, a.name, a.id`;
  const labels: Record<string, string> = { SUCCEEDED: "Succeeded", RUNNING: "Running", FAILED: "Failed", DEGRADED: "Degraded", ROLLED_BACK: "Rolled back" };
  const section = page.getByRole("region", { name: "Where it runs and how it rolled out" });
  // The page streams in behind its loading state; read the tables once they are there.
  await section.getByRole("table").first().waitFor();
  for (const environment of new Set(applications.map((application) => application.environment))) {
    const expected = applications.filter((application) => application.environment === environment);
    const rows = await bodyRows(section.getByRole("table", { name: `Rollout of this release in ${environment}, per cluster` }));
    expect(rows.map((row) => row[0])).toEqual(
      expected.map((application) => `${application.cluster} ${application.region ? `${application.region} · ` : ""}${application.name}${application.deleted ? " removed" : ""}`),
    );
    expect(rows.map((row) => row[1]!.replace(/ rollback$/, ""))).toEqual(expected.map((application) => (application.status === null ? "not yet" : labels[application.status])));
    expect(rows.map((row) => row[5]!.startsWith("this release"))).toEqual(expected.map((application) => application.current_release_id === release.id));
  }
  const running = applications.filter((application) => application.current_release_id === release.id).length;
  const reached = applications.filter((application) => application.status !== null).length;
  expect(await section.locator("p").first().innerText()).toContain(`Deployed to ${reached} of ${applications.length} applications of ${release.service}; running on ${running} now.`);
  return { reached, total: applications.length };
}

/** Body rows of a table as the reader sees them: each cell's text, spaces collapsed. */
async function bodyRows(table: Locator): Promise<string[][]> {
  return table.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => Array.from(row.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())),
  );
}

beforeAll(async () => {
  target = await findTarget();
  releasePage = await browser.openPage({ width: 1280, height: 800 });
  const response = await releasePage.page.goto(`/releases/${target.id}`);
  status = response?.status();
  await releasePage.page.getByRole("heading", { name: "Rollbacks" }).waitFor();
  await saveScreenshot(releasePage.page, "release-page");
});

describe("a release's page", () => {
  it("answers 200 with the service and version as its title and heading", async () => {
    const { page } = releasePage;
    expect(status).toBe(200);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`${target.service} ${target.version}`);
    await expect(page.title()).resolves.toBe(`${target.service} ${target.version} · Shiplog`);
  });

  it("shows the commits and pull requests it added since the previous release, linked to GitHub", async () => {
    const { page } = releasePage;
    const db = getDb();
    const links = await db.releaseCommit.findMany({
      where: { releaseId: target.id },
      include: { commit: { include: { pullRequests: { include: { pullRequest: true } } } } },
    });
    const commits = links.map((link) => link.commit);
    const pullRequests = [...new Map(commits.flatMap((commit) => commit.pullRequests.map((pr) => [pr.pullRequest.id, pr.pullRequest] as const))).values()];
    expect(pullRequests.length).toBeGreaterThan(0);

    const section = page.getByRole("region", { name: "What it added" });
    const table = section.getByRole("table", { name: `Commits added by ${target.version}` });
    const rows = await bodyRows(table);
    expect(rows.map((row) => row[0]).sort()).toEqual(commits.map((commit) => commit.sha.slice(0, 8)).sort());
    for (const commit of commits) {
      const row = rows.find((cells) => cells[0] === commit.sha.slice(0, 8))!;
      expect(row[1]).toBe(commit.message.split("\n")[0]);
      expect(row[2]).toBe(commit.authorLogin ?? commit.authorName ?? "unknown");
      for (const { pullRequest } of commit.pullRequests) {
        expect(row[4]).toContain(`#${pullRequest.number} ${pullRequest.title}`);
        for (const key of pullRequest.ticketKeys) expect(row[4]).toContain(key);
      }
    }
    // Every pull request links to its URL; every commit to GitHub.
    const hrefs = await table.locator("a").evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    for (const pullRequest of pullRequests) expect(hrefs).toContain(pullRequest.url);
    const service = await db.service.findUniqueOrThrow({ where: { id: target.serviceId } });
    for (const commit of commits) expect(hrefs).toContain(`https://github.com/${service.repository}/commit/${commit.sha}`);

    const summary = await section.locator("dl").innerText();
    expect(summary).toContain(`${commits.length} ${commits.length === 1 ? "commit" : "commits"}`);
    expect(summary).toContain(`${pullRequests.length} pull ${pullRequests.length === 1 ? "request" : "requests"}`);
    for (const key of new Set(pullRequests.flatMap((pr) => pr.ticketKeys))) expect(summary).toContain(key);
  });

  it("shows per environment and cluster how the rollout went, as the database says", async () => {
    const { reached, total } = await checkRollout(releasePage.page, target);
    expect(reached).toBeGreaterThan(0);
    expect(total).toBeGreaterThanOrEqual(reached);
  });

  it("opens a deployment's event log, as deployment_events holds it", async () => {
    const { page } = releasePage;
    const [deployment] = await getDb().$queryRaw<{ id: number; application: string }[]>`
      SELECT d.id, a.name AS application FROM deployments d JOIN applications a ON a.id = d.application_id
      JOIN environments e ON e.id = a.environment_id JOIN clusters c ON c.id = a.cluster_id
      WHERE d.release_id = ${target.id} AND EXISTS (SELECT 1 FROM deployment_events ev WHERE ev.deployment_id = d.id)
      ORDER BY e.rank, c.name, a.name, d.started_at DESC LIMIT 1`;
    if (!deployment) throw new Error("the target release has no deployment with events");
    const events = await getDb().deploymentEvent.findMany({ where: { deploymentId: deployment.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });

    const button = page.getByRole("button", { name: new RegExp(`^(Show|Hide) events.* of ${deployment.application}$`) });
    // A click before hydration does nothing; click until the button says it is open.
    await expect.poll(async () => {
      if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
      return button.getAttribute("aria-expanded");
    }, { timeout: 15_000, interval: 500 }).toBe("true");
    const log = page.getByRole("list", { name: `Events of deployment ${deployment.id}` });
    await log.waitFor();
    const items = await log.locator("li").allInnerTexts();
    expect(items.map((item) => item.replace(/\s+/g, " "))).toEqual(events.map((event) => expect.stringContaining(event.kind + (event.detail ? ` ${event.detail}` : ""))));
    const times = await log.locator("time").evaluateAll((elements) => elements.map((element) => element.getAttribute("datetime")));
    expect(times).toEqual(events.map((event) => event.at.toISOString()));
    await saveScreenshot(page, "release-page-event-log");
  });

  it("has no serious or critical accessibility violations (axe-core), with the event log open", async () => {
    expect(await accessibilityViolations(releasePage.page)).toEqual([]);
  });

  it("fits 1280 px without scrolling sideways", async () => {
    expect(await releasePage.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it("logs no console errors and makes no failed requests", () => {
    expect(releasePage.problems).toEqual([]);
  });
});

describe("a release that reached some clusters and added no known commits", () => {
  it("marks the clusters it has not reached as not yet, and says why no commits are listed", async () => {
    const partial = await findPartialRelease();
    const { page, problems } = await browser.openPage();
    expect((await page.goto(`/releases/${partial.id}`))?.status()).toBe(200);
    const { reached, total } = await checkRollout(page, partial);
    expect(reached).toBeLessThan(total);

    const release = await getDb().release.findUniqueOrThrow({ where: { id: partial.id } });
    const commits = page.getByRole("region", { name: "What it added" });
    const text = await commits.innerText();
    expect(text).toContain(release.commitsComplete ? "No new commits" : "Commits not known yet");
    if (!release.commitsComplete) {
      expect(text).toContain(
        !release.commitSha
          ? "recognised by its image alone"
          : (release.commitsIncompleteReason ?? "the pushes between the previous release and this one have not all reached Shiplog"),
      );
    }
    await saveScreenshot(page, "release-page-partial");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe("comparing with another release", () => {
  it("lists the commits between the two, chosen from the service's releases, and links GitHub's compare view", async () => {
    const db = getDb();
    const older = await db.release.findMany({
      where: { serviceId: target.serviceId, firstSeenAt: { lt: target.firstSeenAt } },
      orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }],
      take: 3,
    });
    const base = older[2]!;
    const between = await db.releaseCommit.findMany({
      where: { release: { serviceId: target.serviceId, OR: [{ id: target.id }, { id: older[0]!.id }, { id: older[1]!.id }] } },
      include: { commit: true },
    });

    const { page, problems } = await browser.openPage();
    await page.goto(`/releases/${target.id}`);
    await page.getByRole("combobox", { name: "Compare with" }).selectOption(String(base.id));
    await page.getByRole("button", { name: "Compare" }).click();
    await page.waitForURL(`**/releases/${target.id}?compare=${base.id}`);
    const result = page.getByRole("region", { name: `Comparison of ${target.version} with ${base.version}` });
    await result.waitFor();
    expect(await result.locator("p").first().innerText()).toContain(`${target.version} is 3 releases newer than ${base.version}; ${target.version} carries these commits that ${base.version} lacks.`);
    const rows = await bodyRows(result.getByRole("table", { name: `Commits between ${base.version} and ${target.version}` }));
    expect(rows.map((row) => row[0]).sort()).toEqual(between.map((link) => link.commit.sha.slice(0, 8)).sort());
    const service = await db.service.findUniqueOrThrow({ where: { id: target.serviceId } });
    const release = await db.release.findUniqueOrThrow({ where: { id: target.id } });
    if (base.commitSha && release.commitSha) {
      expect(await result.getByRole("link", { name: "Compare on GitHub" }).getAttribute("href")).toBe(
        `https://github.com/${service.repository}/compare/${base.commitSha}...${release.commitSha}`,
      );
    }
    await saveScreenshot(page, "release-page-compare");

    // The other way round, straight from the address.
    await page.goto(`/releases/${base.id}?compare=${target.id}`);
    const reverse = page.getByRole("region", { name: `Comparison of ${base.version} with ${target.version}` });
    expect(await reverse.locator("p").first().innerText()).toContain(`${base.version} lacks these commits that ${target.version} carries.`);
    expect((await bodyRows(reverse.getByRole("table"))).map((row) => row[0]).sort()).toEqual(rows.map((row) => row[0]).sort());
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("says so when ?compare= names no release of the service", async () => {
    const { page } = await browser.openPage();
    const response = await page.goto(`/releases/${target.id}?compare=nonsense`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("alert").filter({ hasText: "Cannot compare" }).innerText()).toContain(`Cannot compare with “nonsense”: it is not the id of another release of ${target.service}.`);
  });
});

describe("an unknown release", () => {
  it.each([
    ["an id no release has", "99999999"],
    ["a malformed id", "v1.2.3"],
  ])("answers %s with the not-found page and 404", async (_, segment) => {
    const { page } = await browser.openPage();
    const response = await page.goto(`/releases/${segment}`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Release not found");
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
