// Every page's layout in a real browser against `next start` and the seeded demo fleet (issue 16,
// "Layout"): at 1280 × 800 and 390 × 844, in the light and the dark scheme, no page and no box in
// it (a table's container, a dialog) scrolls sideways, axe finds nothing serious (colour contrast
// included, so badges, code and chart labels are checked in both schemes), and a full-page
// screenshot of each lands in test-results/screenshots/layout/. Then the pieces that make it so:
// the narrow header's Menu, the theme toggle that the server remembers, and a sign-in page
// without navigation.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";
import { signIn, type TestUser } from "../support/sign-in";

const browser = useBrowser();

const SIZES = [
  { size: "wide", width: 1280, height: 800 },
  { size: "narrow", width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;

type Visit = {
  name: string;
  path: () => string;
  /** Signed out (the sign-in page) rather than as the admin. */
  anonymous?: boolean;
  /** What to do once the page is there, e.g. open the rollback dialog. */
  then?: (page: Page) => Promise<void>;
};

let admin: TestUser;
let release: { id: number; version: string; service: string };
let commitSha: string;
let rollbackId: number;
let promotionId: number;
/** An environment the release runs in, and one of its images: the rollout views' parameters. */
let rolloutOf: { environment: string; image: string };

/** A release running somewhere with an older one to go back to (so the rollback dialog has a plan), with commits. */
async function findRelease() {
  const [found] = await getDb().$queryRaw<{ id: number; version: string; service: string }[]>`
    SELECT r.id, r.version, s.name AS service
    FROM releases r JOIN services s ON s.id = r.service_id
    WHERE EXISTS (SELECT 1 FROM applications a WHERE a.current_release_id = r.id AND a.deleted_at IS NULL)
      AND EXISTS (SELECT 1 FROM release_commits rc WHERE rc.release_id = r.id)
      AND (SELECT count(*) FROM releases o WHERE o.service_id = r.service_id AND o.first_seen_at < r.first_seen_at) >= 2
    ORDER BY r.first_seen_at DESC, r.id DESC
    LIMIT 1`;
  if (!found) throw new Error("the demo fleet has no running release with commits and older releases");
  return found;
}

/**
 * The demo fleet has no rollbacks: one finished rollback of the release above, as the runner
 * would leave it, for the rollback page and the rollbacks list. Finished, so nothing live
 * (the fleet's headline numbers, a runner) counts it.
 */
async function recordFinishedRollback(releaseId: number): Promise<number> {
  const db = getDb();
  const application = await db.application.findFirstOrThrow({ where: { currentReleaseId: releaseId, deletedAt: null }, orderBy: { id: "asc" } });
  const older = await db.release.findFirstOrThrow({
    where: { serviceId: application.serviceId, id: { not: releaseId }, firstSeenAt: { lt: (await db.release.findUniqueOrThrow({ where: { id: releaseId } })).firstSeenAt } },
    orderBy: { firstSeenAt: "desc" },
  });
  const at = new Date(Date.now() - 3_600_000);
  const rollback = await db.rollback.create({
    data: {
      groupId: `layout-spec-${process.pid}-${Date.now()}`,
      applicationId: application.id,
      fromReleaseId: releaseId,
      toReleaseId: older.id,
      method: "ARGOCD",
      state: "SUCCEEDED",
      reason: "The layout spec's finished rollback, with a reason long enough to wrap on a phone: checkout errors after the deploy",
      requestedBy: admin.email,
      idempotencyKey: `layout-spec-${process.pid}-${Date.now()}`,
      requestedAt: at,
      stateChangedAt: at,
      finishedAt: at,
      transitions: {
        create: [
          { fromState: null, toState: "REQUESTED", actor: admin.email, at },
          { fromState: "REQUESTED", toState: "EXECUTING", actor: "shiplog", at },
          { fromState: "EXECUTING", toState: "SUCCEEDED", actor: "shiplog", at },
        ],
      },
    },
  });
  return rollback.id;
}

/**
 * The demo fleet has no promotions either: one finished promotion of the release's service into
 * the environment of its first application, one wave of one application, as the runner leaves it.
 */
async function recordFinishedPromotion(releaseId: number): Promise<number> {
  const db = getDb();
  const application = await db.application.findFirstOrThrow({ where: { currentReleaseId: releaseId, deletedAt: null }, orderBy: { id: "asc" } });
  const at = new Date(Date.now() - 2 * 3_600_000);
  const key = `layout-spec-${process.pid}-${Date.now()}`;
  const promotion = await db.promotion.create({
    data: {
      serviceId: application.serviceId,
      releaseId,
      environmentId: application.environmentId,
      state: "SUCCEEDED",
      reason: "The layout spec's finished promotion, with a reason long enough to wrap on a phone: the quarterly base image",
      requestedBy: admin.email,
      idempotencyKey: key,
      selection: { by: "all" },
      soakMs: 300_000,
      waveTimeoutMs: 1_800_000,
      requestedAt: at,
      stateChangedAt: at,
      finishedAt: at,
      steps: { create: [{ action: "requested", actor: admin.email, at }, { action: "succeeded", actor: "shiplog", at }] },
    },
  });
  const wave = await db.promotionWave.create({
    data: { promotionId: promotion.id, index: 0, kind: "canary", clusters: [], state: "SUCCEEDED", startedAt: at, healthySince: at, finishedAt: at },
  });
  await db.promotionApplication.create({
    data: { promotionId: promotion.id, waveId: wave.id, applicationId: application.id, method: "ARGOCD", state: "SUCCEEDED", changedAt: at, finishedAt: at },
  });
  return promotion.id;
}

beforeAll(async () => {
  admin = await signIn([{ role: "admin", teamId: null }], { name: "Alex Admin with a rather long display name" });
  release = await findRelease();
  rollbackId = await recordFinishedRollback(release.id);
  promotionId = await recordFinishedPromotion(release.id);
  const [running] = await getDb().$queryRaw<{ environment: string; image: string }[]>`
    SELECT e.name AS environment, a.images[1] AS image
    FROM applications a JOIN environments e ON e.id = a.environment_id
    WHERE a.current_release_id = ${release.id} AND a.deleted_at IS NULL AND cardinality(a.images) > 0
    ORDER BY a.id LIMIT 1`;
  if (!running) throw new Error(`release ${release.id} runs in no application with an image`);
  rolloutOf = running;
  const [commit] = await getDb().$queryRaw<{ sha: string }[]>`
    SELECT c.sha FROM release_commits rc JOIN commits c ON c.id = rc.commit_id WHERE rc.release_id = ${release.id} ORDER BY c.id LIMIT 1`;
  if (!commit) throw new Error(`release ${release.id} has no commits`);
  commitSha = commit.sha;
});

afterAll(async () => {
  if (promotionId !== undefined) await getDb().promotion.delete({ where: { id: promotionId } });
  if (rollbackId !== undefined) await getDb().rollback.delete({ where: { id: rollbackId } });
});

const VISITS: Visit[] = [
  { name: "fleet", path: () => "/" },
  { name: "timeline", path: () => "/timeline" },
  { name: "release", path: () => `/releases/${release.id}` },
  {
    name: "rollback-dialog",
    path: () => `/releases/${release.id}`,
    then: async (page) => {
      await page.getByRole("button", { name: `Roll back ${release.service} ${release.version}` }).click();
      const dialog = page.getByRole("dialog");
      await dialog.waitFor();
      // The dry-run plan has arrived once its table is there.
      await dialog.getByRole("table").first().waitFor({ timeout: 20_000 });
    },
  },
  {
    name: "rollback-dialog-application",
    path: () => `/releases/${release.id}`,
    then: async (page) => {
      await page.getByRole("button", { name: /^Roll back .+ on / }).first().click();
      await page.getByRole("dialog").getByRole("table").first().waitFor({ timeout: 20_000 });
    },
  },
  { name: "service", path: () => `/services/${encodeURIComponent(release.service)}` },
  { name: "metrics", path: () => "/metrics" },
  { name: "team-comparison", path: () => "/metrics/teams" },
  { name: "environments", path: () => "/environments" },
  { name: "promotion-new", path: () => `/promotions/new?service=${encodeURIComponent(release.service)}&release=${release.id}` },
  { name: "promotions", path: () => "/promotions" },
  { name: "promotion", path: () => `/promotions/${promotionId}` },
  { name: "rollout-release", path: () => `/rollouts/releases/${release.id}?environment=${encodeURIComponent(rolloutOf.environment)}` },
  { name: "rollout-image", path: () => `/rollouts/image?ref=${encodeURIComponent(rolloutOf.image)}` },
  { name: "search", path: () => `/search?q=${encodeURIComponent(release.service.slice(0, 4))}` },
  { name: "commit", path: () => `/commits/${commitSha}` },
  { name: "rollbacks", path: () => "/rollbacks" },
  { name: "rollback", path: () => `/rollbacks/${rollbackId}` },
  { name: "settings-integrations", path: () => "/settings/integrations" },
  { name: "settings-users", path: () => "/settings/users" },
  { name: "settings-tokens", path: () => "/settings/tokens" },
  { name: "settings-api-tokens", path: () => "/settings/api-tokens" },
  { name: "settings-account", path: () => "/settings/account" },
  { name: "audit", path: () => "/audit" },
  { name: "sign-in", path: () => "/sign-in", anonymous: true },
];

/**
 * Everything that scrolls sideways: the document, and every box that scrolls or clips (a table's
 * container, the dialog) whose content is wider than itself; also any table poking out of the
 * viewport. One line each, naming the box and both widths.
 */
async function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const describe = (element: Element) => {
      const label = element.getAttribute("aria-label") ?? element.querySelector("caption")?.textContent ?? "";
      return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${typeof element.className === "string" && element.className ? `.${element.className.trim().split(/\s+/).slice(0, 4).join(".")}` : ""}${label ? ` "${label.slice(0, 60)}"` : ""}`;
    };
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page: ${root.scrollWidth} px in ${root.clientWidth} px`);
    for (const element of document.querySelectorAll("body *")) {
      const style = getComputedStyle(element);
      if (style.display === "none" || !["auto", "scroll"].includes(style.overflowX)) continue;
      if (element.scrollWidth > element.clientWidth + 1) found.push(`${describe(element)}: ${element.scrollWidth} px in ${element.clientWidth} px`);
    }
    for (const table of document.querySelectorAll("table")) {
      const box = table.getBoundingClientRect();
      if (box.width > 0 && box.right > root.clientWidth + 1) found.push(`${describe(table)} ends at ${Math.round(box.right)} px of ${root.clientWidth} px`);
    }
    return found;
  });
}

/** The page's own content has streamed in: no loading skeleton or loading notice left in <main>. */
async function waitForContent(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForFunction(() => !document.querySelector('main .animate-pulse, main [aria-busy="true"], main > [role="status"]'), undefined, { timeout: 20_000 });
}

describe.each(SIZES.flatMap(({ size, width, height }) => SCHEMES.map((scheme) => ({ size, width, height, scheme }))))(
  "every page at $width px in the $scheme scheme",
  ({ size, width, height, scheme }) => {
    let signedIn: CheckedPage;
    let anonymous: CheckedPage;
    beforeAll(async () => {
      signedIn = await browser.openPage({ width, height, as: admin, colorScheme: scheme });
      anonymous = await browser.openPage({ width, height, as: null, colorScheme: scheme });
    });
    afterAll(async () => {
      await signedIn?.page.context().close();
      await anonymous?.page.context().close();
    });

    it.each(VISITS)("$name fits without sideways scrolling and passes axe", async (visit) => {
      const { page, problems } = visit.anonymous ? anonymous : signedIn;
      // One page serves every visit of this size and scheme: count only this visit's problems.
      problems.length = 0;
      const response = await page.goto(visit.path());
      expect(response?.status()).toBe(200);
      await waitForContent(page);
      await visit.then?.(page);
      // The scheme the system asks for is the one the page draws (no cookie: "system").
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(scheme);
      await saveScreenshot(page, `layout/${size}-${scheme}-${visit.name}`);
      expect(await sidewaysScrollers(page)).toEqual([]);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      // A full-page screenshot and axe over a long page (the timeline, the fleet) take a while on a busy machine.
    }, 60_000);
  },
);

describe("the narrow header", () => {
  it("hides navigation, search and Sign out behind a Menu button that opens and closes", async () => {
    const { page, problems } = await browser.openPage({ width: 390, height: 844, as: admin });
    await page.goto("/timeline");
    const menu = page.getByRole("button", { name: "Menu" });
    const navigation = page.getByRole("navigation", { name: "Main" });
    const search = page.getByRole("combobox", { name: "Search services, commits, pull requests and tickets" });
    const signOut = page.getByRole("button", { name: "Sign out" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect([await navigation.isVisible(), await search.isVisible(), await signOut.isVisible()]).toEqual([false, false, false]);

    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    expect([await navigation.isVisible(), await search.isVisible(), await signOut.isVisible()]).toEqual([true, true, true]);
    for (const control of [navigation, search, signOut]) {
      const box = (await control.boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= 390, `${await control.evaluate((element) => element.outerHTML.slice(0, 80))} lies within 390 px`).toBe(true);
    }
    expect(await sidewaysScrollers(page)).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "layout/narrow-menu-open");

    // Following a link closes the menu on the page it leads to.
    await navigation.getByRole("link", { name: "Rollbacks" }).click();
    await page.waitForURL((url) => url.pathname === "/rollbacks");
    await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("false");
    expect(await navigation.isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it("is not there at 1280 px, where navigation, search and Sign out show in the bar", async () => {
    const { page } = await browser.openPage({ width: 1280, height: 800, as: admin });
    await page.goto("/rollbacks");
    expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
  });
});

describe("the theme toggle", () => {
  it("switches the scheme at once and the server remembers it on the next page, without a flash", async () => {
    const { page, problems } = await browser.openPage({ width: 1280, height: 800, as: admin, colorScheme: "light" });
    await page.goto("/rollbacks");
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    const toggle = page.getByRole("combobox", { name: "Theme" });
    expect(await toggle.inputValue()).toBe("system");

    await toggle.selectOption("dark");
    expect(await page.evaluate(() => document.documentElement.className)).toBe("dark");
    const dark = await background();
    expect(dark).not.toBe(light);
    const cookie = (await page.context().cookies()).find((entry) => entry.name === "shiplog-theme");
    expect(cookie?.value).toBe("dark");

    // The server renders the class itself: the HTML that arrives is already dark.
    const html = await (await page.context().request.get("/timeline")).text();
    expect(html).toMatch(/<html[^>]* class="dark"/);
    await page.goto("/timeline");
    expect(await background()).toBe(dark);
    expect(await page.getByRole("combobox", { name: "Theme" }).inputValue()).toBe("dark");

    // "Light" holds even where the system prefers dark; "System" follows the system again.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByRole("combobox", { name: "Theme" }).selectOption("light");
    expect(await background()).toBe(light);
    await page.getByRole("combobox", { name: "Theme" }).selectOption("system");
    expect(await page.evaluate(() => document.documentElement.className)).toBe("");
    expect(await background()).toBe(dark);
    expect(problems).toEqual([]);
  });
});

describe("the sign-in page", () => {
  it("shows signed-out visitors no navigation, search or menu", async () => {
    for (const { width, height } of SIZES) {
      const { page } = await browser.openPage({ width, height, as: null });
      await page.goto("/sign-in");
      await page.getByRole("heading", { name: "Sign in to Shiplog" }).waitFor();
      expect(await page.getByRole("navigation").count()).toBe(0);
      expect(await page.getByRole("search").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Menu" }).count()).toBe(0);
      expect(await page.getByRole("combobox", { name: "Theme" }).isVisible()).toBe(true);
    }
  });
});
