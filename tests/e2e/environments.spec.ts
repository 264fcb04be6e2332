// The environments view in a real browser, on a Shiplog and database of this file's own holding
// the hand-built fleet of tests/support/environments-fleet.ts (the demo fleet has at most one
// environment behind, depending on the day). An SRE of the payments team reads /environments
// (counts, order, team filter, Compare and Promote links) and the service page's promotion path;
// a viewer sees the same without Promote. Expectations are the oracle's, worked out by hand.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { buildEnvironmentsFleet, type EnvironmentsFleet } from "../support/environments-fleet";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";

const browser = useBrowser();
let url: string;
let fleet: EnvironmentsFleet;
let paymentsSre: TestUser;
let viewer: TestUser;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_environments", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const db = createDb(database.url);
  try {
    fleet = await buildEnvironmentsFleet(db);
  } finally {
    await db.$disconnect();
  }
  const server = await startShiplogServer(database.url);
  cleanups.unshift(server.stop);
  url = server.url;
  paymentsSre = await server.signIn([{ role: "sre", teamId: fleet.teams.payments! }]);
  viewer = await server.signIn([{ role: "viewer", teamId: null }]);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe("the environments view", () => {
  it("an SRE of payments sees what waits for promotion, filters by team, and gets Promote only for the team's services", async () => {
    const { page, problems } = await browser.openPage({ as: paymentsSre, width: 1280, height: 800 });
    await page.goto(`${url}/`);
    await page.getByRole("navigation").getByRole("link", { name: "Environments" }).click();
    await page.waitForURL(`${url}/environments`);
    await page.getByRole("heading", { name: "Waiting for promotion" }).waitFor();

    const totals = page.locator('dl[aria-label="Waiting totals"]');
    expect(await totals.locator("dt").allTextContents()).toEqual(["Environments behind", "Services waiting"]);
    expect(await totals.locator("dd").allTextContents()).toEqual(["3", "2"]);
    const table = page.getByRole("table", { name: "Environments waiting for promotion, oldest waiting change first" });
    const rows = table.locator("tbody tr");
    const text = async () => (await rows.allInnerTexts()).map((row) => row.replace(/\s+/g, " ").trim());
    const all = await text();
    expect(all).toHaveLength(3);
    expect(all[0]).toMatch(/^ledger Payments prod production r2 → r4 in staging 2 releases · 3 commits · 2 pull requests · 3 tickets; oldest change waiting \d+ d/);
    expect(all[1]).toMatch(/^cart no team prod production k1 → k2 in staging 1 release · 1 commit · 1 pull request · 1 ticket;/);
    expect(all[2]).toMatch(/^ledger Payments staging r4 → r5 in dev 1 release · 2 commits · 1 pull request · 1 ticket;/);
    // Promote on ledger's rows (payments), not on cart's (no team).
    expect(await rows.nth(0).getByRole("link", { name: "Promote ledger r4 to prod" }).getAttribute("href")).toBe(
      `/promotions/new?service=ledger&release=${fleet.releases.r4}&environment=prod`,
    );
    expect(await rows.nth(1).getByRole("link", { name: /^Promote/ }).count()).toBe(0);
    expect(await rows.nth(1).getByRole("link", { name: "Compare cart k2 to prod" }).getAttribute("href")).toBe(`/releases/${fleet.releases.k2}?compare=${fleet.releases.k1}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "environments-waiting");

    await page.getByLabel("Team").selectOption("payments");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/\/environments\?team=payments$/);
    await expect.poll(async () => (await text()).map((row) => row.split(" ").slice(0, 3).join(" "))).toEqual(["ledger Payments prod", "ledger Payments staging"]);
    expect(await totals.locator("dd").allTextContents()).toEqual(["2", "1"]);

    await rows.nth(0).getByRole("link", { name: "ledger", exact: true }).click();
    await page.waitForURL(`${url}/services/ledger`);
    const path = page.getByRole("list", { name: "Environments in promotion order" });
    // The page streams in behind its loading state.
    await path.getByRole("listitem").nth(2).waitFor();
    const items = (await path.getByRole("listitem").allInnerTexts()).map((item) => item.replace(/\s+/g, " ").trim());
    expect(items[0]).toBe("dev r5");
    expect(items[1]).toMatch(/^staging r4 behind dev \(r5\) 1 release · 2 commits · 1 pull request · 1 ticket; oldest change waiting .+ Compare r5 to staging on GitHub \(r5 to staging\) Promote r5 to staging$/);
    expect(items[2]).toMatch(/^prod r3, r2 behind staging \(r4\) 2 releases · 3 commits · 2 pull requests · 3 tickets;/);
    // prod's clusters differ: which region and cluster runs which release.
    expect(await page.getByRole("list", { name: "Releases in prod by region and cluster" }).innerText()).toBe("r3 in us-east (prod-us-1)\nr2 in eu-west (prod-eu-1)");
    expect(await path.getByRole("link", { name: "Promote r5 to staging" }).getAttribute("href")).toBe(`/promotions/new?service=ledger&release=${fleet.releases.r5}&environment=staging`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "environments-service-path");
    expect(problems).toEqual([]);
    // Three page loads, a form and two accessibility scans: over the default 30 s on a busy 2-core machine.
  }, 120_000);

  it("a viewer sees the same lists without Promote", async () => {
    const { page, problems } = await browser.openPage({ as: viewer });
    await page.goto(`${url}/environments`);
    await page.getByRole("table", { name: /^Environments waiting for promotion/ }).waitFor();
    expect(await page.getByRole("link", { name: /^Compare/ }).count()).toBe(3);
    expect(await page.getByRole("link", { name: /^Promote/ }).count()).toBe(0);
    await page.goto(`${url}/services/ledger`);
    await page.getByRole("list", { name: "Environments in promotion order" }).waitFor();
    expect(await page.getByRole("link", { name: /^Promote/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
